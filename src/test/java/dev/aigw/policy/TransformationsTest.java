package dev.aigw.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.TrafficPolicyResource.FieldExpression;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** agentgateway's {@code transformations}: a CEL value sets a top-level key, null or an error removes it. */
class TransformationsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static ObjectNode body(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    @Test
    void valuesOfEveryJsonTypeSetTheKeyAndNullOrAnErrorRemovesIt() throws Exception {
        Transformations t = Transformations.compile(List.of(
                new FieldExpression("max_tokens", "llmRequest.messages.size() * 64"),
                new FieldExpression("metadata", "{'team': request.headers['x-team'], 'tags': ['a', 'b']}"),
                new FieldExpression("temperature", "null"),
                new FieldExpression("top_p", "llmRequest.no_such_key"),
                new FieldExpression("user", "llm.requestModel + '-caller'"),
                new FieldExpression("seen", "has(llmRequest.max_tokens)")));
        ObjectNode b = body("""
                {"model": "gpt-4o", "temperature": 0.7, "top_p": 0.9,
                 "messages": [{"role": "user", "content": "hi"}, {"role": "user", "content": "again"}]}""");
        t.apply(b, Map.of("x-team", "search")::get);
        assertThat(b.path("max_tokens").asLong()).isEqualTo(128);
        assertThat(b.path("metadata").toString()).isEqualTo("{\"team\":\"search\",\"tags\":[\"a\",\"b\"]}");
        assertThat(b.has("temperature")).isFalse();
        assertThat(b.has("top_p")).isFalse();
        assertThat(b.path("user").asText()).isEqualTo("gpt-4o-caller");
        assertThat(b.path("seen").asBoolean()).as("each entry sees the body the previous ones left").isTrue();
    }

    @Test
    void anExpressionThatDoesNotCompileNamesItsField() {
        assertThatThrownBy(() -> Transformations.compile(List.of(new FieldExpression("max_tokens", "llmRequest.("))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transformation of max_tokens");
    }
}
