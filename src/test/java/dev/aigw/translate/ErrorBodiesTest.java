package dev.aigw.translate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one status table: Google's names as google.rpc.Code spells them, Anthropic's types, OpenAI's. */
class ErrorBodiesTest {

    @Test
    void geminiStatusNamesAreGoogleRpcCodes() {
        assertThat(ErrorBodies.geminiStatusForCode(501)).isEqualTo("UNIMPLEMENTED");
        assertThat(ErrorBodies.geminiStatusForCode(429)).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(ErrorBodies.geminiStatusForCode(529)).isEqualTo("UNAVAILABLE");
        assertThat(ErrorBodies.geminiStatusForCode(504)).isEqualTo("DEADLINE_EXCEEDED");
        assertThat(ErrorBodies.geminiStatusForCode(500)).isEqualTo("INTERNAL");
    }

    @Test
    void anthropicTypesIncludeBedrocksModelFailures() {
        assertThat(ErrorBodies.anthropicTypeForStatus(408)).isEqualTo("timeout_error");
        assertThat(ErrorBodies.anthropicTypeForStatus(424)).isEqualTo("api_error");
        assertThat(ErrorBodies.anthropicTypeForStatus(529)).isEqualTo("overloaded_error");
        assertThat(ErrorBodies.anthropicTypeForStatus(413)).isEqualTo("request_too_large");
        assertThat(ErrorBodies.openAiTypeForStatus(424)).isEqualTo("server_error");
        assertThat(ErrorBodies.statusForAnthropicType("overloaded_error")).isEqualTo(503);
    }

    @Test
    void policyRejectionsUseTheSameTable() {
        assertThat(BodyFormat.of(Schema.GEMINI_GENERATE).rejection(501, "no").path("error").path("status").asText())
                .isEqualTo("UNIMPLEMENTED");
        assertThat(BodyFormat.of(Schema.ANTHROPIC_MESSAGES).rejection(429, "slow down").path("error").path("type").asText())
                .isEqualTo("rate_limit_error");
        assertThat(BodyFormat.of(null).rejection(400, "no").path("error").path("code").asText())
                .isEqualTo("content_policy_violation");
    }
}
