package dev.aigw.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.canonical.ChatError;
import dev.aigw.translate.canonical.StreamEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Anthropic stream events read with the streaming parser ({@link AnthropicIn#event}) against the
 * tree reading they replaced (kept here as the oracle): the same canonical events for every odd
 * shape: members out of order, repeated, of another type; not JSON at all.
 */
class AnthropicStreamDecoderTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'Hi'}}",
        "{'delta':{'text':'late type','type':'text_delta'},'index':2,'type':'content_block_delta'}",
        "{'type':'content_block_delta','index':'3','delta':{'type':'text_delta','text':5}}",
        "{'type':'content_block_delta','index':1.7,'delta':{'type':'text_delta','text':null}}",
        "{'type':'content_block_delta','index':true,'delta':{'type':'text_delta','text':{'a':1}}}",
        "{'type':'content_block_delta','index':99999999999,'delta':{'type':'text_delta','text':'big index'}}",
        "{'type':'content_block_delta','delta':{'type':'text_delta','text':'a'},'delta':{'type':'thinking_delta','thinking':'b'}}",
        "{'type':'content_block_delta','index':0,'delta':{'type':'input_json_delta','partial_json':null}}",
        "{'type':'content_block_delta','index':0,'delta':{'type':'input_json_delta'}}",
        "{'type':'content_block_delta','index':0,'delta':{'type':'input_json_delta','partial_json':'{\\'a\\':'}}",
        "{'type':'content_block_delta','index':0,'delta':{'type':'signature_delta','signature':'sig'}}",
        "{'type':'content_block_delta','index':0,'delta':{'type':'citations_delta','citation':{}}}",
        "{'type':'content_block_delta','index':0,'delta':'not an object'}",
        "{'type':5,'index':0,'delta':{'type':'text_delta','text':'the event name decides'}}",
        "{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'esc \\' q \\\\ n \\n u \\u00e9 raw \u00e9 \ud83d\ude00'}}",
        " { 'type' : 'content_block_delta' , 'index' : 12 , 'delta' : { 'type' : 'text_delta' , 'text' : 'spaced' } } ",
        "{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'trailing'}} x",
        "{'type':'content_block_delta','index':-1,'delta':{'type':'text_delta','text':'negative'}}",
        "{'type':'content_block_delta','index':1.0,'delta':{'type':'text_delta','text':'fraction'}}",
        "{'type':'content_block_delta','index':2147483648,'delta':{'type':'text_delta','text':'too big'}}",
        "{'type':'content_block_delta','index':1,'index':2,'delta':{'type':'text_delta','text':'repeated index'}}",
        "{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'a','text':'b'}}",
        "{'type':'content_block_delta','index':0,'delta':{'text':'type last','type':'text_delta'}}",
        "{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'extra','citations':[]}}",
        "{'type':'content_block_delta','index':0,'delta':{}}",
        "{'type':'content_block_delta','index':0}",
        "{'type':'content_block_delta','index':0,'delta':{'type':'thinking_delta','thinking':'hmm'},'x':1}",
        "{'index':0,'delta':{'type':'text_delta','text':'no type: the event name decides'}}",
        "{'type':'message_start','message':{'id':'msg_1','model':'claude','usage':{'input_tokens':3,'cache_read_input_tokens':2}}}",
        "{'type':'content_block_start','index':1,'content_block':{'type':'tool_use','id':'t1','name':'get','input':{}}}",
        "{'type':'content_block_start','index':0,'content_block':{'type':'text','text':'lead'}}",
        "{'type':'content_block_start','index':0,'content_block':{'type':'redacted_thinking','data':'x'}}",
        "{'type':'content_block_stop','index':4}",
        "{'type':'message_delta','delta':{'stop_reason':'tool_use','stop_sequence':null},'usage':{'output_tokens':17}}",
        "{'type':'message_delta','delta':{'stop_reason':7},'usage':{'output_tokens':'x'}}",
        "{'type':'message_delta','usage':{'output_tokens':9},'delta':{'stop_reason':'stop_sequence','stop_sequence':'END'}}",
        "{'type':'message_stop'}",
        "{'type':'ping'}",
        "{'type':'error','error':{'type':'overloaded_error','message':'Overloaded'}}",
        "{'type':'error','message':'top-level message'}",
        "{'type':'error','error':'a string'}",
        "{}",
        "[1]",
        "not json",
        "",
        "{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'cut'",
    })
    void readsWhatATreeReadingReads(String data) {
        for (Optional<String> name : List.of(Optional.<String>empty(), Optional.of("content_block_delta"), Optional.of("error"))) {
            SseEvent e = new SseEvent(name, data.replace('\'', '"'), Optional.empty());
            List<StreamEvent> want = new ArrayList<>();
            treeReading(e, want, new AnthropicStreamUsage());
            List<StreamEvent> got = new ArrayList<>();
            new AnthropicMessagesStreamDecoder().decode(e, got);
            assertThat(CanonicalJson.of(got)).as("%s (event %s)", data, name).isEqualTo(CanonicalJson.of(want));
        }
    }

    /** The decoder this reading replaced: every event parsed to a tree. */
    private static void treeReading(SseEvent e, List<StreamEvent> out, AnthropicStreamUsage counts) {
        Optional<ObjectNode> parsed = Json.parseObject(e.data());
        if (parsed.isEmpty()) {
            return; // not JSON: nothing a client could use
        }
        ObjectNode d = parsed.get();
        int index = d.path("index").asInt();
        switch (Json.text(d, "type").or(e::event).orElse("")) {
            case "message_start" -> {
                JsonNode msg = d.path("message");
                counts.absorb(msg.path("usage"));
                out.add(new StreamEvent.Start(Json.text(msg, "id"), Json.text(msg, "model"), counts.usage()));
                out.add(new StreamEvent.UsageUpdate(counts.usage()));
            }
            case "content_block_start" -> {
                JsonNode block = d.path("content_block");
                switch (block.path("type").asText()) {
                    case "tool_use" -> out.add(StreamEvent.BlockStart.tool(index, Json.text(block, "id"), block.path("name").asText()));
                    case "text" -> {
                        out.add(StreamEvent.BlockStart.of(index, StreamEvent.BlockKind.TEXT));
                        String t = block.path("text").asText("");
                        if (!t.isEmpty()) {
                            out.add(new StreamEvent.TextDelta(index, t));
                        }
                    }
                    case "thinking" -> out.add(StreamEvent.BlockStart.of(index, StreamEvent.BlockKind.THINKING));
                    case "redacted_thinking" -> out.add(new StreamEvent.BlockStart(index, StreamEvent.BlockKind.REDACTED_THINKING,
                            Optional.empty(), Optional.empty(), Json.text(block, "data")));
                    default -> {
                        // server tool blocks have no form in other formats' streams.
                    }
                }
            }
            case "content_block_delta" -> {
                JsonNode delta = d.path("delta");
                switch (delta.path("type").asText()) {
                    case "text_delta" -> out.add(new StreamEvent.TextDelta(index, delta.path("text").asText()));
                    case "thinking_delta" -> out.add(new StreamEvent.ThinkingDelta(index, delta.path("thinking").asText()));
                    case "signature_delta" -> out.add(new StreamEvent.SignatureDelta(index, delta.path("signature").asText()));
                    case "input_json_delta" -> out.add(new StreamEvent.ToolArgumentsDelta(index, delta.path("partial_json").asText("")));
                    default -> {
                        // citations_delta: no form elsewhere.
                    }
                }
            }
            case "content_block_stop" -> out.add(new StreamEvent.BlockStop(index));
            case "message_delta" -> {
                counts.absorb(d.path("usage"));
                out.add(new StreamEvent.UsageUpdate(counts.usage()));
                Json.text(d.path("delta"), "stop_reason").ifPresent(r ->
                        out.add(new StreamEvent.Finish(AnthropicMessagesProvider.finish(r), Json.text(d.path("delta"), "stop_sequence"))));
            }
            case "message_stop" -> out.add(new StreamEvent.End());
            case "error" -> {
                JsonNode err = d.path("error");
                String type = err.path("type").asText("api_error");
                int status = ErrorBodies.statusForAnthropicType(type);
                out.add(new StreamEvent.Error(new ChatError(status, Optional.of(type), ErrorBodies.message(d, status),
                        Optional.empty())));
            }
            default -> {
                // ping and future event types need no output.
            }
        }
    }
}
