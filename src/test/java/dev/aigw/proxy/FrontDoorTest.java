package dev.aigw.proxy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Path normalisation, case by case (the raw-socket behaviour is in HostileClientTest). */
class FrontDoorTest {
    @ParameterizedTest
    @CsvSource({
            "/static/../../x, /x",
            "/static/%2e%2e/%2E%2E/x, /x",
            "//a//b///c, /a/b/c",
            "/a/./b/., /a/b/",
            "/a/b/.., /a/",
            "/.., /",
            "'', /",
            "/a%2fb, /a%2Fb",
            "/%41%7e%5F, /A~_",
            "/a/%2e%2e%2fb, /a/..%2Fb",
            "/v1/chat/completions, /v1/chat/completions",
            "/models/gemini:generateContent, /models/gemini:generateContent",
    })
    void normalisesAsEnvoyDoes(String raw, String expected) {
        assertThat(FrontDoor.normalize(raw)).isEqualTo(expected);
    }
}
