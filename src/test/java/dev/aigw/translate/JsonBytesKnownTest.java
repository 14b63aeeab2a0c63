package dev.aigw.translate;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link JsonBytes#knownOrString}: a known string is the constant itself, anything else reads as {@link JsonBytes#stringOrNull}. */
class JsonBytesKnownTest {
    private static final JsonBytes.Known KNOWN = new JsonBytes.Known("ab", "abc", "message_stop", "ping");

    private static JsonBytes at(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return new JsonBytes(b, 0, b.length);
    }

    @Test
    void aKnownStringIsTheConstantAndTheCursorGoesPastIt() {
        for (String k : List.of("ab", "abc", "message_stop", "ping")) {
            JsonBytes j = at("\"" + k + "\",1");
            String s = j.knownOrString(KNOWN);
            assertThat(s).isSameAs(KNOWN.strings[List.of(KNOWN.strings).indexOf(k)]);
            assertThat(j.peek()).isEqualTo((byte) ',');
        }
    }

    @Test
    void otherValuesReadAsStringOrNullReadsThem() {
        for (String v : List.of("\"a\"", "\"abcd\"", "\"ab\\\"\"", "\"ab\\u0063\"", "\"message_sto\"", "\"pingé\"", "\"\"", "null", "3",
                "{\"a\":\"ab\"}", "[\"ab\"]", "true", "\"ab c\"")) {
            JsonBytes j = at(v + "]");
            JsonBytes k = at(v + "]");
            assertThat(j.knownOrString(KNOWN)).as(v).isEqualTo(k.stringOrNull());
            assertThat(j.p).as(v).isEqualTo(k.p);
        }
    }

    @Test
    void aStringCutShortIsUnusual() {
        assertThatThrownBy(() -> at("\"ab").knownOrString(KNOWN)).isSameAs(JsonBytes.UNUSUAL);
        assertThatThrownBy(() -> at("\"ping").knownOrString(KNOWN)).isSameAs(JsonBytes.UNUSUAL);
    }

    @Test
    void onlyPlainAsciiIsKnown() {
        for (String bad : List.of("a\"b", "a\\b", "tab\t", "é")) {
            assertThatThrownBy(() -> new JsonBytes.Known(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
