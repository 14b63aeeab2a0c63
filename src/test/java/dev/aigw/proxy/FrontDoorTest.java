package dev.aigw.proxy;

import org.junit.jupiter.api.Test;
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

    /** The fast path (a path returned as it came) agrees with the long way on every path it takes. */
    @Test
    void fastPathAgreesWithTheLongWay() {
        String[] parts = {"a", "v1", ".", "..", ".x", "x.", "%2e", "%2F", "%41", "", "b:c", "~", "%zz", "%"};
        java.util.Random r = new java.util.Random(14);
        int fast = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int k = r.nextInt(5); k >= 0; k--) b.append('/').append(parts[r.nextInt(parts.length)]);
            if (r.nextBoolean()) b.append('/');
            String p = b.toString();
            String got = FrontDoor.normalize(p);
            assertThat(got).as(p).isEqualTo(FrontDoor.rebuild(p));
            if (got == p) fast++;
        }
        assertThat(fast).as("paths served by the fast path").isGreaterThan(1000);
    }
}
