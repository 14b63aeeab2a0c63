package dev.aigw.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.ResourceKey;
import dev.aigw.config.TrafficPolicyResource;
import dev.aigw.config.TrafficPolicyResource.Action;
import dev.aigw.translate.Schema;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * agentgateway's ToolInput and ToolOutput scopes on each format's tool traffic: a masking regex
 * scoped to them rewrites the tool calls' arguments and the tool results, and leaves the messages;
 * one scoped to Messages leaves the tool traffic.
 */
class ToolScopeTest {
    private static Vertx vertx;
    private static PolicyEngine engine;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        engine = new PolicyEngine(vertx);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private static ObjectNode masked(Schema schema, Set<String> roles, String body) throws Exception {
        RegexGuard rx = RegexGuard.compile(new TrafficPolicyResource.Regex(List.of(new TrafficPolicyResource.RegexMatch(
                Pattern.compile("hunter2"), Optional.of("masked"))), List.of(), Action.MASK, roles));
        AiPolicy p = new AiPolicy(List.of(new ResourceKey("AgentgatewayPolicy", "ns", "p")), TrafficPolicyResource.RouteType.CHAT,
                Optional.empty(), List.of(), Optional.of(new AiPolicy.RequestGuard(TrafficPolicyResource.CustomResponse.DEFAULT,
                Optional.of(rx), Optional.empty(), Optional.empty())), Optional.empty());
        ObjectNode b = Policies.json(body);
        assertThat(engine.applyRequest(p, schema, b, h -> null).await(10, TimeUnit.SECONDS)).isInstanceOf(PolicyOutcome.Continue.class);
        return b;
    }

    @Test
    void openAiChatToolCallArgumentsAndToolMessages() throws Exception {
        String body = """
                {"model":"m","messages":[{"role":"user","content":"my password is hunter2"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"login","arguments":"{\\"pw\\":\\"hunter2\\"}"}}]},
                 {"role":"tool","tool_call_id":"c","content":"logged in with hunter2"}]}""";
        ObjectNode tools = masked(Schema.OPENAI_CHAT, Set.of("tool_call", "tool"), body);
        assertThat(tools.at("/messages/0/content").asText()).isEqualTo("my password is hunter2");
        assertThat(tools.at("/messages/1/tool_calls/0/function/arguments").asText()).isEqualTo("{\"pw\":\"<masked>\"}");
        assertThat(tools.at("/messages/2/content").asText()).isEqualTo("logged in with <masked>");
        ObjectNode messages = masked(Schema.OPENAI_CHAT, Set.of("user", "assistant"), body);
        assertThat(messages.at("/messages/0/content").asText()).isEqualTo("my password is <masked>");
        assertThat(messages.at("/messages/1/tool_calls/0/function/arguments").asText()).isEqualTo("{\"pw\":\"hunter2\"}");
    }

    @Test
    void anthropicToolUseInputAndToolResults() throws Exception {
        ObjectNode b = masked(Schema.ANTHROPIC_MESSAGES, Set.of("tool_call", "tool"), """
                {"model":"m","max_tokens":9,"messages":[
                 {"role":"assistant","content":[{"type":"text","text":"hunter2?"},
                   {"type":"tool_use","id":"t","name":"login","input":{"user":"a","secrets":["hunter2"],"nested":{"pw":"hunter2"}}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"ok hunter2"}]}]}]}""");
        assertThat(b.at("/messages/0/content/0/text").asText()).isEqualTo("hunter2?");
        assertThat(b.at("/messages/0/content/1/input").toString())
                .isEqualTo("{\"user\":\"a\",\"secrets\":[\"<masked>\"],\"nested\":{\"pw\":\"<masked>\"}}");
        assertThat(b.at("/messages/1/content/0/content/0/text").asText()).isEqualTo("ok <masked>");
    }

    @Test
    void responsesApiFunctionCallItems() throws Exception {
        ObjectNode b = masked(Schema.OPENAI_RESPONSES, Set.of("tool_call", "tool"), """
                {"model":"m","input":[{"role":"user","content":"hunter2"},
                 {"type":"function_call","call_id":"c","name":"login","arguments":"{\\"pw\\":\\"hunter2\\"}"},
                 {"type":"function_call_output","call_id":"c","output":"hunter2 accepted"}]}""");
        assertThat(b.at("/input/0/content").asText()).isEqualTo("hunter2");
        assertThat(b.at("/input/1/arguments").asText()).isEqualTo("{\"pw\":\"<masked>\"}");
        assertThat(b.at("/input/2/output").asText()).isEqualTo("<masked> accepted");
    }

    @Test
    void geminiFunctionCallsAndResponses() throws Exception {
        ObjectNode b = masked(Schema.GEMINI_GENERATE, Set.of("tool_call"), """
                {"contents":[{"role":"model","parts":[{"functionCall":{"name":"login","args":{"pw":"hunter2"}}}]},
                 {"role":"user","parts":[{"functionResponse":{"name":"login","response":{"result":"hunter2 ok"}}}]}]}""");
        assertThat(b.at("/contents/0/parts/0/functionCall/args/pw").asText()).isEqualTo("<masked>");
        assertThat(b.at("/contents/1/parts/0/functionResponse/response/result").asText()).as("ToolOutput not in scope")
                .isEqualTo("hunter2 ok");
    }
}
