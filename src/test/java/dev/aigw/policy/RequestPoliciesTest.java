package dev.aigw.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.ResourceKey;
import dev.aigw.config.TrafficPolicyResource;
import dev.aigw.config.TrafficPolicyResource.Action;
import dev.aigw.config.TrafficPolicyResource.Builtin;
import dev.aigw.config.TrafficPolicyResource.FieldDefault;
import dev.aigw.config.TrafficPolicyResource.Message;
import dev.aigw.translate.Schema;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.aigw.policy.Policies.json;
import static dev.aigw.policy.Policies.tree;
import static org.assertj.core.api.Assertions.assertThat;

/** Enrichment, defaults and the regex guard (with agentgateway's scope) on OpenAI-, Anthropic- and Gemini-format request bodies. */
class RequestPoliciesTest {
    static Vertx vertx;
    static PolicyEngine engine;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        engine = new PolicyEngine(vertx);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    static AiPolicy policy(Optional<TrafficPolicyResource.Enrichment> enrichment, List<FieldDefault> defaults,
                           Optional<AiPolicy.RequestGuard> request) {
        return new AiPolicy(List.of(new ResourceKey("TrafficPolicy", "ns", "p")), TrafficPolicyResource.RouteType.CHAT,
                enrichment, defaults, request, Optional.empty());
    }

    static AiPolicy regexPolicy(Action action) {
        return policy(Optional.empty(), List.of(), Optional.of(new AiPolicy.RequestGuard(
                new TrafficPolicyResource.CustomResponse("no personal data, please", 422),
                Optional.of(Policies.guard(action, List.of(Builtin.values()))), Optional.empty(), Optional.empty())));
    }

    static PolicyOutcome apply(AiPolicy p, Schema s, ObjectNode body) throws Exception {
        return engine.applyRequest(p, s, body, h -> null).await(10, TimeUnit.SECONDS);
    }

    private static final String TRICKY = "Answer in \"quotes\" \\ and\nnew lines";
    private static final TrafficPolicyResource.Enrichment ENRICH = new TrafficPolicyResource.Enrichment(
            List.of(new Message("system", TRICKY), new Message("user", "context first")),
            List.of(new Message("user", "be brief")));

    @Test
    void enrichmentOnOpenAi() throws Exception {
        ObjectNode body = json("""
                {"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""");
        apply(policy(Optional.of(ENRICH), List.of(), Optional.empty()), Schema.OPENAI_CHAT, body);
        assertThat(body.get("messages")).isEqualTo(tree("""
                [{"role":"system","content":"Answer in \\"quotes\\" \\\\ and\\nnew lines"},
                 {"role":"user","content":"context first"},{"role":"user","content":"hi"},
                 {"role":"user","content":"be brief"}]"""));
        // Serialized, the content is escaped JSON that reads back as the same text.
        assertThat(tree(body.toString()).path("messages").get(0).path("content").asText()).isEqualTo(TRICKY);
    }

    @Test
    void enrichmentOnAnthropicPutsSystemInTheTopLevelSystem() throws Exception {
        ObjectNode body = json("""
                {"model":"claude","max_tokens":10,"system":"You are terse.","messages":[{"role":"user","content":"hi"}]}""");
        apply(policy(Optional.of(ENRICH), List.of(), Optional.empty()), Schema.ANTHROPIC_MESSAGES, body);
        assertThat(body.get("system").asText()).isEqualTo(TRICKY + "\n\nYou are terse.");
        assertThat(body.get("messages")).isEqualTo(tree("""
                [{"role":"user","content":"context first"},{"role":"user","content":"hi"},
                 {"role":"user","content":"be brief"}]"""));
        ObjectNode blocks = json("""
                {"system":[{"type":"text","text":"cached","cache_control":{"type":"ephemeral"}}],"messages":[]}""");
        Enrichment.apply(Schema.ANTHROPIC_MESSAGES, blocks, ENRICH.prepend(), List.of(new Message("system", "last")));
        assertThat(blocks.get("system")).isEqualTo(tree("""
                [{"type":"text","text":"Answer in \\"quotes\\" \\\\ and\\nnew lines"},
                 {"type":"text","text":"cached","cache_control":{"type":"ephemeral"}},{"type":"text","text":"last"}]"""));
    }

    @Test
    void enrichmentOnGeminiUsesSystemInstructionAndModelRole() throws Exception {
        ObjectNode body = json("""
                {"contents":[{"role":"user","parts":[{"text":"hi"}]}]}""");
        TrafficPolicyResource.Enrichment e = new TrafficPolicyResource.Enrichment(
                List.of(new Message("system", TRICKY), new Message("assistant", "I am ready")),
                List.of(new Message("user", "be brief")));
        apply(policy(Optional.of(e), List.of(), Optional.empty()), Schema.GEMINI_GENERATE, body);
        assertThat(body.get("systemInstruction")).isEqualTo(tree("""
                {"parts":[{"text":"Answer in \\"quotes\\" \\\\ and\\nnew lines"}]}"""));
        assertThat(body.get("contents")).isEqualTo(tree("""
                [{"role":"model","parts":[{"text":"I am ready"}]},{"role":"user","parts":[{"text":"hi"}]},
                 {"role":"user","parts":[{"text":"be brief"}]}]"""));
    }

    static final List<FieldDefault> DEFAULTS = List.of(
            new FieldDefault("temperature", tree("0.2"), false),
            new FieldDefault("max_tokens", tree("256"), true),
            new FieldDefault("metadata.tags", tree("[\"a\",\"b\"]"), false),
            new FieldDefault("stream", tree("false"), false));

    @Test
    void defaultsOnOpenAiAndAnthropicKeepJsonTypesAndRespectOverride() throws Exception {
        for (Schema s : List.of(Schema.OPENAI_CHAT, Schema.ANTHROPIC_MESSAGES)) {
            ObjectNode body = json("""
                    {"model":"m","temperature":0.9,"max_tokens":4000,"messages":[{"role":"user","content":"hi"}]}""");
            apply(policy(Optional.empty(), DEFAULTS, Optional.empty()), s, body);
            assertThat(body.get("temperature").asDouble()).as(s.id()).isEqualTo(0.9); // kept: override false
            assertThat(body.get("max_tokens").isInt()).isTrue();
            assertThat(body.get("max_tokens").asInt()).isEqualTo(256); // override true
            assertThat(body.get("metadata")).isEqualTo(tree("{\"tags\":[\"a\",\"b\"]}"));
            assertThat(body.get("stream").isBoolean()).isTrue();
        }
    }

    @Test
    void defaultsOnGeminiWalkDottedPaths() throws Exception {
        ObjectNode body = json("""
                {"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"topK":3}}""");
        List<FieldDefault> d = List.of(new FieldDefault("generationConfig.temperature", tree("0.1"), false),
                new FieldDefault("generationConfig.topK", tree("5"), false),
                new FieldDefault("safetySettings", tree("[{\"category\":\"HARM_CATEGORY_HARASSMENT\",\"threshold\":\"BLOCK_NONE\"}]"), true));
        apply(policy(Optional.empty(), d, Optional.empty()), Schema.GEMINI_GENERATE, body);
        assertThat(body.get("generationConfig")).isEqualTo(tree("{\"topK\":3,\"temperature\":0.1}"));
        assertThat(body.get("safetySettings").get(0).get("threshold").asText()).isEqualTo("BLOCK_NONE");
    }

    @Test
    void regexMaskOnEveryFormat() throws Exception {
        ObjectNode openai = json("""
                {"messages":[{"role":"system","content":"agent mail: ops@corp.example"},
                 {"role":"user","content":[{"type":"text","text":"my card is 4111-1111-1111-1111"},
                   {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}]}""");
        assertThat(apply(regexPolicy(Action.MASK), Schema.OPENAI_CHAT, openai)).isInstanceOf(PolicyOutcome.Continue.class);
        assertThat(openai.at("/messages/0/content").asText()).isEqualTo("agent mail: <EMAIL_ADDRESS>");
        assertThat(openai.at("/messages/1/content/0/text").asText()).isEqualTo("my card is <CREDIT_CARD>");

        ObjectNode anthropic = json("""
                {"system":"call 555-123-4567","messages":[{"role":"user","content":[{"type":"text","text":"SSN 123-45-6789"}]},
                 {"role":"assistant","content":"ok"},{"role":"user","content":"order 1234567812345678"}]}""");
        apply(regexPolicy(Action.MASK), Schema.ANTHROPIC_MESSAGES, anthropic);
        assertThat(anthropic.get("system").asText()).isEqualTo("call <PHONE_NUMBER>");
        assertThat(anthropic.at("/messages/0/content/0/text").asText()).isEqualTo("SSN <SSN>");
        assertThat(anthropic.at("/messages/2/content").asText()).isEqualTo("order 1234567812345678");

        ObjectNode gemini = json("""
                {"systemInstruction":{"parts":[{"text":"escalate to boss@corp.example"}]},
                 "contents":[{"role":"user","parts":[{"text":"card 4111111111111111"},{"inlineData":{"mimeType":"image/png","data":"AAAA"}}]}]}""");
        apply(regexPolicy(Action.MASK), Schema.GEMINI_GENERATE, gemini);
        assertThat(gemini.at("/systemInstruction/parts/0/text").asText()).isEqualTo("escalate to <EMAIL_ADDRESS>");
        assertThat(gemini.at("/contents/0/parts/0/text").asText()).isEqualTo("card <CREDIT_CARD>");
        assertThat(gemini.at("/contents/0/parts/1/inlineData/data").asText()).isEqualTo("AAAA");
    }

    @Test
    void regexRejectOnEveryFormatWithTheCustomResponse() throws Exception {
        ObjectNode openai = json("{\"messages\":[{\"role\":\"user\",\"content\":\"ssn 123-45-6789\"}]}");
        ObjectNode anthropic = json("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"mail a@b.io\"}]}]}");
        ObjectNode gemini = json("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"4111 1111 1111 1111\"}]}]}");
        for (var c : List.of(java.util.Map.entry(Schema.OPENAI_CHAT, openai), java.util.Map.entry(Schema.ANTHROPIC_MESSAGES, anthropic),
                java.util.Map.entry(Schema.GEMINI_GENERATE, gemini))) {
            PolicyOutcome o = apply(regexPolicy(Action.REJECT), c.getKey(), c.getValue());
            assertThat(o).as(c.getKey().id()).isInstanceOf(PolicyOutcome.Reject.class);
            PolicyOutcome.Reject r = (PolicyOutcome.Reject) o;
            assertThat(r.status()).isEqualTo(422);
            assertThat(r.message()).isEqualTo("no personal data, please");
        }
        ObjectNode clean = json("{\"messages\":[{\"role\":\"user\",\"content\":\"order 1234567812345678\"}]}");
        assertThat(apply(regexPolicy(Action.REJECT), Schema.OPENAI_CHAT, clean)).isInstanceOf(PolicyOutcome.Continue.class);
    }

    @Test
    void rejectionsRenderInTheClientsFormat() {
        PolicyOutcome.Reject r = new PolicyOutcome.Reject(403, "nope", "test");
        assertThat(Rejections.body(Schema.OPENAI_CHAT, r)).isEqualTo(tree("""
                {"error":{"message":"nope","type":"invalid_request_error","param":null,"code":"content_policy_violation"}}"""));
        assertThat(Rejections.body(Schema.ANTHROPIC_MESSAGES, r)).isEqualTo(tree("""
                {"type":"error","error":{"type":"permission_error","message":"nope"}}"""));
        assertThat(Rejections.body(Schema.GEMINI_GENERATE, r)).isEqualTo(tree("""
                {"error":{"code":403,"message":"nope","status":"PERMISSION_DENIED"}}"""));
    }

    @Test
    void guardsRunBeforeEnrichmentSoOperatorTextIsNotMasked() throws Exception {
        AiPolicy p = policy(Optional.of(new TrafficPolicyResource.Enrichment(
                        List.of(new Message("system", "Support line: 555-123-4567")), List.of())), List.of(),
                regexPolicy(Action.REJECT).request());
        ObjectNode body = json("{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
        assertThat(apply(p, Schema.OPENAI_CHAT, body)).isInstanceOf(PolicyOutcome.Continue.class);
        assertThat(body.at("/messages/0/content").asText()).isEqualTo("Support line: 555-123-4567");
    }

    // ---- agentgateway's scope: a request regex reads the system prompt, the messages, or both ----

    static ObjectNode masked(java.util.Set<String> roles, Schema schema, String body) throws Exception {
        RegexGuard g = RegexGuard.compile(new TrafficPolicyResource.Regex(List.of(), List.of(Builtin.EMAIL), Action.MASK, roles));
        AiPolicy p = new AiPolicy(List.of(new ResourceKey("AgentgatewayPolicy", "ns", "p")), TrafficPolicyResource.RouteType.CHAT,
                Optional.empty(), List.of(), Optional.of(new AiPolicy.RequestGuard(TrafficPolicyResource.CustomResponse.DEFAULT,
                Optional.of(g), Optional.empty(), Optional.empty())), Optional.empty());
        ObjectNode b = json(body);
        engine.applyRequest(p, schema, b, h -> null).await(10, TimeUnit.SECONDS);
        return b;
    }

    static final String OPENAI = """
            {"model":"m","messages":[{"role":"system","content":"admin a@b.co"},{"role":"user","content":"me c@d.co"}]}""";
    static final String ANTHROPIC = """
            {"model":"m","max_tokens":5,"system":"admin a@b.co","messages":[{"role":"user","content":"me c@d.co"}]}""";

    @Test
    void messagesOnlyLeavesTheSystemPrompt() throws Exception {
        ObjectNode o = masked(java.util.Set.of("user", "assistant"), Schema.OPENAI_CHAT, OPENAI);
        assertThat(o.at("/messages/0/content").asText()).isEqualTo("admin a@b.co");
        assertThat(o.at("/messages/1/content").asText()).isEqualTo("me <EMAIL_ADDRESS>");
        ObjectNode a = masked(java.util.Set.of("user", "assistant"), Schema.ANTHROPIC_MESSAGES, ANTHROPIC);
        assertThat(a.path("system").asText()).isEqualTo("admin a@b.co");
    }

    @Test
    void systemPromptOnlyAndBoth() throws Exception {
        ObjectNode a = masked(java.util.Set.of("system"), Schema.ANTHROPIC_MESSAGES, ANTHROPIC);
        assertThat(a.path("system").asText()).isEqualTo("admin <EMAIL_ADDRESS>");
        assertThat(a.at("/messages/0/content").asText()).isEqualTo("me c@d.co");
        ObjectNode both = masked(java.util.Set.of("system", "user", "assistant"), Schema.OPENAI_CHAT, OPENAI);
        assertThat(both.toString()).doesNotContain("@");
        // The scanned-texts path (a reject-only guard on a passthrough body) keeps the scope too.
        RegexGuard systemOnly = RegexGuard.compile(new TrafficPolicyResource.Regex(List.of(), List.of(Builtin.EMAIL),
                Action.REJECT, java.util.Set.of("system")));
        AiPolicy p = new AiPolicy(List.of(new ResourceKey("AgentgatewayPolicy", "ns", "p")), TrafficPolicyResource.RouteType.CHAT,
                Optional.empty(), List.of(), Optional.of(new AiPolicy.RequestGuard(TrafficPolicyResource.CustomResponse.DEFAULT,
                Optional.of(systemOnly), Optional.empty(), Optional.empty())), Optional.empty());
        assertThat(PolicyEngine.textRejection(p, List.of(new PromptText("user", "me c@d.co")))).isEmpty();
        assertThat(PolicyEngine.textRejection(p, List.of(new PromptText("system", "admin a@b.co")))).isPresent();
    }

    /** A guard that only rejects decides on the scanned texts exactly as on the tree; anything more needs the tree. */
    @Test
    void aRejectOnlyGuardDecidesOnTextsAsOnTheTree() throws Exception {
        AiPolicy reject = regexPolicy(Action.REJECT);
        assertThat(PolicyEngine.decidesOnTexts(reject)).isTrue();
        assertThat(PolicyEngine.decidesOnTexts(regexPolicy(Action.MASK))).isFalse();
        assertThat(PolicyEngine.decidesOnTexts(policy(Optional.of(ENRICH), List.of(), reject.request()))).isFalse();
        assertThat(PolicyEngine.decidesOnTexts(policy(Optional.empty(), List.of(), Optional.empty()))).isFalse();
        AiPolicy aliases = new AiPolicy(reject.sources(), reject.routeType(), Optional.empty(), List.of(), reject.request(),
                Optional.empty(), java.util.Map.of("a", "b"));
        assertThat(PolicyEngine.decidesOnTexts(aliases)).isFalse();
        AiPolicy withDefault = policy(Optional.empty(), List.of(new FieldDefault("temperature",
                com.fasterxml.jackson.databind.node.DoubleNode.valueOf(0.5), false)), reject.request());
        assertThat(PolicyEngine.decidesOnTexts(withDefault)).isFalse();
        AiPolicy withWebhook = policy(Optional.empty(), List.of(), Optional.of(new AiPolicy.RequestGuard(
                reject.request().get().customResponse(), reject.request().get().regex(), Optional.of(AiPolicy.GuardWebhook.of(
                new TrafficPolicyResource.Webhook("127.0.0.1", 9, List.of(), java.time.Duration.ofSeconds(1), false))),
                Optional.empty())));
        assertThat(PolicyEngine.decidesOnTexts(withWebhook)).isFalse();
        AiPolicy transformed = new AiPolicy(reject.sources(), reject.routeType(), Optional.empty(), List.of(), reject.request(),
                Optional.empty(), java.util.Map.of(), Optional.empty(), Transformations.compile(List.of(
                new TrafficPolicyResource.FieldExpression("max_tokens", "1"))), Transformations.NONE);
        assertThat(PolicyEngine.decidesOnTexts(transformed)).isFalse();
        // What acts after the request stage does not matter: finalTransformations, promptCaching, the response side.
        AiPolicy later = new AiPolicy(reject.sources(), reject.routeType(), Optional.empty(), List.of(), reject.request(),
                Optional.of(new AiPolicy.ResponsePolicy(reject.request().get().regex(), Optional.empty())), java.util.Map.of(),
                Optional.empty(), Transformations.NONE, Transformations.compile(List.of(
                new TrafficPolicyResource.FieldExpression("max_tokens", "1"))));
        assertThat(PolicyEngine.decidesOnTexts(later)).isTrue();

        for (String body : List.of("""
                {"model":"m","messages":[{"role":"system","content":"mail me at jane.doe@example.com"}]}""", """
                {"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"my SSN is 123-45-6789"}]}]}""", """
                {"model":"m","messages":[{"role":"user","content":"nothing to see"}]}""")) {
            ObjectNode tree = json(body);
            PolicyOutcome onTree = apply(reject, Schema.OPENAI_CHAT, tree);
            List<PromptText> texts = BodyText.request(Schema.OPENAI_CHAT, tree).stream()
                    .map(t -> new PromptText(t.role(), t.text())).toList();
            Optional<PolicyOutcome.Reject> onTexts = PolicyEngine.textRejection(reject, texts);
            if (onTree instanceof PolicyOutcome.Reject r) {
                assertThat(onTexts).contains(r);
            } else {
                assertThat(onTexts).isEmpty();
            }
        }
    }
}
