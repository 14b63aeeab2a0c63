package dev.aigw.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.ResourceKey;
import dev.aigw.config.TrafficPolicyResource;
import dev.aigw.config.TrafficPolicyResource.Action;
import dev.aigw.config.TrafficPolicyResource.Builtin;
import dev.aigw.translate.Schema;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static dev.aigw.policy.Policies.json;
import static org.assertj.core.api.Assertions.assertThat;

/** agentgateway's {@code scope}: a request regex reads the system prompt, the messages, or both. */
class RegexScopeTest {
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

    static ObjectNode masked(Set<String> roles, Schema schema, String body) throws Exception {
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
        ObjectNode o = masked(Set.of("user", "assistant"), Schema.OPENAI_CHAT, OPENAI);
        assertThat(o.at("/messages/0/content").asText()).isEqualTo("admin a@b.co");
        assertThat(o.at("/messages/1/content").asText()).isEqualTo("me <EMAIL_ADDRESS>");
        ObjectNode a = masked(Set.of("user", "assistant"), Schema.ANTHROPIC_MESSAGES, ANTHROPIC);
        assertThat(a.path("system").asText()).isEqualTo("admin a@b.co");
    }

    @Test
    void systemPromptOnlyAndBoth() throws Exception {
        ObjectNode a = masked(Set.of("system"), Schema.ANTHROPIC_MESSAGES, ANTHROPIC);
        assertThat(a.path("system").asText()).isEqualTo("admin <EMAIL_ADDRESS>");
        assertThat(a.at("/messages/0/content").asText()).isEqualTo("me c@d.co");
        ObjectNode both = masked(Set.of("system", "user", "assistant"), Schema.OPENAI_CHAT, OPENAI);
        assertThat(both.toString()).doesNotContain("@");
    }
}
