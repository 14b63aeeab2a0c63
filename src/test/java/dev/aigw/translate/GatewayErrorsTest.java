package dev.aigw.translate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Gateway errors in each client's own shape, and as each format's stream event. */
class GatewayErrorsTest {
    @Test
    void eachFormatGetsItsOwnShape() {
        assertThat(GatewayErrors.body(Schema.OPENAI_CHAT, 502, "bad_gateway", "refused").toString())
                .isEqualTo("{\"error\":{\"message\":\"refused\",\"type\":\"bad_gateway\",\"param\":null,\"code\":502}}");
        assertThat(GatewayErrors.body(null, 404, "not_found", "no route").path("error").path("type").asText())
                .as("a client in no known format gets OpenAI's shape").isEqualTo("not_found");
        assertThat(GatewayErrors.body(Schema.ANTHROPIC_MESSAGES, 504, "gateway_timeout", "slow").toString())
                .isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"timeout_error\",\"message\":\"slow\"}}");
        assertThat(GatewayErrors.body(Schema.GEMINI_GENERATE, 429, "rate_limit_error", "limit").toString())
                .isEqualTo("{\"error\":{\"code\":429,\"message\":\"limit\",\"status\":\"RESOURCE_EXHAUSTED\"}}");
    }

    @Test
    void theStatusTablesPickTheTypes() {
        int[] statuses = {400, 401, 403, 404, 413, 429, 500, 501, 502, 503, 504};
        String[] anthropic = {"invalid_request_error", "authentication_error", "permission_error", "not_found_error",
                "request_too_large", "rate_limit_error", "api_error", "api_error", "api_error", "overloaded_error",
                "timeout_error"};
        for (int i = 0; i < statuses.length; i++) {
            assertThat(GatewayErrors.body(Schema.ANTHROPIC_MESSAGES, statuses[i], "x", "m").at("/error/type").asText())
                    .as("status %d", statuses[i]).isEqualTo(anthropic[i]);
            assertThat(GatewayErrors.body(Schema.GEMINI_GENERATE, statuses[i], "x", "m").at("/error/status").asText())
                    .isEqualTo(ErrorBodies.geminiStatusForCode(statuses[i]));
        }
    }

    @Test
    void streamEventsFollowEachFormatsStreamStyle() {
        var openAi = GatewayErrors.body(Schema.OPENAI_CHAT, 502, "upstream_stream_truncated", "cut");
        assertThat(GatewayErrors.streamEvent(Schema.OPENAI_CHAT, openAi)).isEqualTo("event: error\ndata: " + openAi + "\n\n");
        var anthropic = GatewayErrors.body(Schema.ANTHROPIC_MESSAGES, 502, "x", "cut");
        assertThat(GatewayErrors.streamEvent(Schema.ANTHROPIC_MESSAGES, anthropic)).startsWith("event: error\ndata: {\"type\":\"error\"");
        var gemini = GatewayErrors.body(Schema.GEMINI_GENERATE, 502, "x", "cut");
        assertThat(GatewayErrors.streamEvent(Schema.GEMINI_GENERATE, gemini)).isEqualTo("data: " + gemini + "\n\n");
    }
}
