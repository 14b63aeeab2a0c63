package dev.aigw.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@code Secret}'s {@code data} (base64) and {@code stringData} (plain, winning for the same
 * key, as the API server merges them), with {@code ${VAR}} read from the environment. The values
 * stay in memory as {@link SecretValue}s, which never print.
 */
final class SecretConversion {
    private SecretConversion() {
    }

    static SecretResource convert(Checker c, EnvRefs env) {
        RawResource r = c.resource();
        Map<String, SecretValue> data = new TreeMap<>();
        for (var e : r.body().path("data").properties()) {
            String at = Values.at("/data", e.getKey());
            // ${VAR} is expanded in the text as written (as the shell would), then decoded.
            SecretValue raw = env.expand(c, at, e.getValue().asText(), "data." + e.getKey());
            if (raw instanceof SecretValue.Unresolved) {
                data.put(e.getKey(), raw);
                continue;
            }
            String encoded = ((SecretValue.Present) raw).value().replaceAll("\\s", "");
            try {
                // The strict decoder: the MIME one skips every non-base64 character and accepted garbage.
                byte[] bytes = Base64.getDecoder().decode(encoded);
                data.put(e.getKey(), new SecretValue.Present(new String(bytes, StandardCharsets.UTF_8).strip()));
            } catch (IllegalArgumentException ex) {
                c.fail(at, "data." + e.getKey() + " is not valid base64 (use stringData for plain text)");
            }
        }
        for (var e : r.body().path("stringData").properties()) {
            JsonNode v = e.getValue();
            data.put(e.getKey(), env.expand(c, Values.at("/stringData", e.getKey()), v.asText(),
                    "stringData." + e.getKey()));
        }
        return new SecretResource(r.key(), Collections.unmodifiableMap(data), r.location());
    }
}
