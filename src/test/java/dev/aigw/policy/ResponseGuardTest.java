package dev.aigw.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.Schema;
import dev.aigw.translate.SseEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.aigw.policy.Policies.json;
import static dev.aigw.policy.Policies.tree;
import static org.assertj.core.api.Assertions.assertThat;

class ResponseGuardTest {
    private final RegexGuard all = Policies.allBuiltins();

    // ---- whole bodies ----

    @Test
    void masksWholeBodiesOfEachFormatAndLeavesToolCallsAlone() {
        ObjectNode openai = json("""
                {"choices":[{"index":0,"message":{"role":"assistant","content":"Mail me at a.b@c.org",
                  "tool_calls":[{"id":"t","type":"function","function":{"name":"pay","arguments":"{\\"card\\":\\"4111111111111111\\"}"}}]}}]}""");
        new ResponseGuard(Schema.OPENAI_CHAT, all).maskBody(openai);
        assertThat(openai.at("/choices/0/message/content").asText()).isEqualTo("Mail me at <EMAIL_ADDRESS>");
        assertThat(openai.at("/choices/0/message/tool_calls/0/function/arguments").asText()).contains("4111111111111111");

        ObjectNode anthropic = json("""
                {"type":"message","content":[{"type":"text","text":"SSN 123-45-6789"},
                 {"type":"tool_use","id":"t","name":"f","input":{"ssn":"123-45-6789"}}]}""");
        new ResponseGuard(Schema.ANTHROPIC_MESSAGES, all).maskBody(anthropic);
        assertThat(anthropic.at("/content/0/text").asText()).isEqualTo("SSN <SSN>");
        assertThat(anthropic.at("/content/1/input/ssn").asText()).isEqualTo("123-45-6789");

        ObjectNode gemini = json("""
                {"candidates":[{"content":{"role":"model","parts":[{"text":"call 555-123-4567"},
                  {"functionCall":{"name":"f","args":{"phone":"555-123-4567"}}}]}}]}""");
        new ResponseGuard(Schema.GEMINI_GENERATE, all).maskBody(gemini);
        assertThat(gemini.at("/candidates/0/content/parts/0/text").asText()).isEqualTo("call <PHONE_NUMBER>");
        assertThat(gemini.at("/candidates/0/content/parts/1/functionCall/args/phone").asText()).isEqualTo("555-123-4567");
    }

    // ---- streams ----

    private static List<SseEvent> run(ResponseGuard g, List<SseEvent> in) {
        List<SseEvent> out = new ArrayList<>();
        for (SseEvent e : in) out.addAll(g.onEvent(e));
        out.addAll(g.onEnd());
        return out;
    }

    private static SseEvent openAiDelta(String text) {
        ObjectNode o = json("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":null}]}");
        ((ObjectNode) o.at("/choices/0/delta")).put("content", text);
        return SseEvent.data(o.toString());
    }

    private static String openAiText(List<SseEvent> events) {
        StringBuilder sb = new StringBuilder();
        for (SseEvent e : events) {
            if (e.isDone()) continue;
            for (JsonNode c : tree(e.data()).path("choices")) sb.append(c.path("delta").path("content").asText(""));
        }
        return sb.toString();
    }

    @Test
    void openAiStreamMasksACardSplitAcrossThreeEvents() {
        ResponseGuard g = new ResponseGuard(Schema.OPENAI_CHAT, all);
        List<SseEvent> in = List.of(
                SseEvent.data("{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}"),
                openAiDelta("Your card 4111 11"), openAiDelta("11 1111 1"), openAiDelta("111 is on file; order 1234 5678"),
                openAiDelta(" 1234 5678 ships."),
                SseEvent.data("{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"),
                SseEvent.done());
        List<SseEvent> out = run(g, in);
        assertThat(openAiText(out)).isEqualTo("Your card <CREDIT_CARD> is on file; order 1234 5678 1234 5678 ships.");
        assertThat(out.getLast().isDone()).isTrue();
        assertThat(tree(out.get(out.size() - 2).data()).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        // The role chunk passes unchanged; text before the card goes out with the first event.
        assertThat(out.getFirst()).isEqualTo(in.getFirst());
        assertThat(openAiText(List.of(out.get(1)))).isEqualTo("Your card ");
    }

    @Test
    void releasesTextImmediatelyWhenNothingCanStillMatch() {
        ResponseGuard g = new ResponseGuard(Schema.OPENAI_CHAT, Policies.guard(
                dev.aigw.config.TrafficPolicyResource.Action.MASK,
                List.of(dev.aigw.config.TrafficPolicyResource.Builtin.CREDIT_CARD,
                        dev.aigw.config.TrafficPolicyResource.Builtin.SSN)));
        List<SseEvent> out = g.onEvent(openAiDelta("Hello there, how can I help you today? "));
        assertThat(openAiText(out)).isEqualTo("Hello there, how can I help you today? ");
        assertThat(g.held()).isZero();
    }

    @Test
    void openAiToolCallDeltasPassUnchanged() {
        ResponseGuard g = new ResponseGuard(Schema.OPENAI_CHAT, all);
        SseEvent tool = SseEvent.data("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"card\\\":\\\"4111 1111 1111 1111\\\"}\"}}]},\"finish_reason\":null}]}");
        assertThat(g.onEvent(tool)).containsExactly(tool);
    }

    @Test
    void anthropicStreamMasksACardSplitAcrossThreeEvents() {
        ResponseGuard g = new ResponseGuard(Schema.ANTHROPIC_MESSAGES, all);
        List<SseEvent> in = List.of(
                SseEvent.of("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"content\":[]}}"),
                SseEvent.of("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
                anthropicDelta("Card: 5555-5555-"), anthropicDelta("5555-44"), anthropicDelta("44"),
                SseEvent.of("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
                SseEvent.of("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"}}"),
                SseEvent.of("message_stop", "{\"type\":\"message_stop\"}"));
        List<SseEvent> out = run(g, in);
        StringBuilder text = new StringBuilder();
        List<String> names = new ArrayList<>();
        for (SseEvent e : out) {
            names.add(e.event().orElse(""));
            if (e.event().orElse("").equals("content_block_delta")) text.append(tree(e.data()).at("/delta/text").asText());
        }
        assertThat(text.toString()).isEqualTo("Card: <CREDIT_CARD>");
        // The held card is released in a delta before the block stops.
        assertThat(names).containsSubsequence("content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(names.indexOf("content_block_stop")).isGreaterThan(names.lastIndexOf("content_block_delta"));
    }

    private static SseEvent anthropicDelta(String text) {
        ObjectNode o = json("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\"}}");
        ((ObjectNode) o.get("delta")).put("text", text);
        return SseEvent.of("content_block_delta", o.toString());
    }

    @Test
    void geminiStreamMasksACardSplitAcrossThreeEventsAndKeepsAnOrderNumber() {
        ResponseGuard g = new ResponseGuard(Schema.GEMINI_GENERATE, all);
        List<SseEvent> in = List.of(geminiChunk("Charged 4111", null), geminiChunk("1111111", null),
                geminiChunk("11111 for order 1234567812345678", "STOP"));
        List<SseEvent> out = run(g, in);
        StringBuilder text = new StringBuilder();
        for (SseEvent e : out) {
            for (JsonNode p : tree(e.data()).at("/candidates/0/content/parts")) text.append(p.path("text").asText());
        }
        assertThat(text.toString()).isEqualTo("Charged <CREDIT_CARD> for order 1234567812345678");
        assertThat(tree(out.getLast().data()).at("/candidates/0/finishReason").asText()).isEqualTo("STOP");
    }

    @Test
    void streamEndingMidMatchIsReleasedMaskedAtTheEnd() {
        ResponseGuard g = new ResponseGuard(Schema.GEMINI_GENERATE, all);
        List<SseEvent> out = run(g, List.of(geminiChunk("reach me at jo@ex", null), geminiChunk("ample.com", null)));
        StringBuilder text = new StringBuilder();
        for (SseEvent e : out) {
            for (JsonNode p : tree(e.data()).at("/candidates/0/content/parts")) text.append(p.path("text").asText());
        }
        assertThat(text.toString()).isEqualTo("reach me at <EMAIL_ADDRESS>");
    }

    private static SseEvent geminiChunk(String text, String finish) {
        ObjectNode o = json("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[]},\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":3},\"modelVersion\":\"gemini-2.0-flash\"}");
        ((com.fasterxml.jackson.databind.node.ArrayNode) o.at("/candidates/0/content/parts")).addObject().put("text", text);
        if (finish != null) ((ObjectNode) o.at("/candidates/0")).put("finishReason", finish);
        return SseEvent.data(o.toString());
    }
}
