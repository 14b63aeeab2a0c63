package dev.aigw.auth;

import dev.aigw.cel.CelExpression;
import org.apache.commons.codec.digest.Md5Crypt;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BasicAuthAndAuthorizationTest {
    private static String basic(String u, String p) {
        return "Basic " + Base64.getEncoder().encodeToString((u + ":" + p).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void htpasswdUsers() {
        // "$apr1$" as `htpasswd -m` writes it; {SHA} as `htpasswd -s`.
        String apr = "alice:" + Md5Crypt.apr1Crypt("wonderland", "abcdefgh");
        String sha = "bob:{SHA}" + Base64.getEncoder().encodeToString(sha1("builder"));
        BasicAuth b = BasicAuth.of(AuthMode.STRICT, null, List.of(apr + "\n" + sha), "users");
        var ok = (AuthOutcome.Authenticated) b.authenticate(h -> h.equals("authorization") ? basic("alice", "wonderland") : null);
        assertThat(ok.caller().basicUser()).isEqualTo("alice");
        assertThat(b.authenticate(h -> h.equals("authorization") ? basic("bob", "builder") : null)).isInstanceOf(AuthOutcome.Authenticated.class);
        assertThat(b.authenticate(h -> h.equals("authorization") ? basic("alice", "nope") : null))
                .isEqualTo(new AuthOutcome.Denied(401, "authentication failure: invalid credentials", "Basic realm=\"Restricted\""));
        assertThat(b.authenticate(h -> null)).isInstanceOf(AuthOutcome.Denied.class);
        assertThatThrownBy(() -> BasicAuth.of(AuthMode.STRICT, null, List.of("carol:plaintext"), "Secret ns/h key .htaccess"))
                .hasMessageStartingWith("Secret ns/h key .htaccess line 1 (user carol): unsupported hash");
    }

    @Test
    void cryptRunsOncePerVerifiedPasswordAndLongPasswordsAreRefusedUnhashed() {
        // sha512-crypt with 5,000 rounds costs milliseconds on an event loop: a valid caller pays it
        // once; an attacker's 8 KB password is refused before any hashing.
        String six = "dave:" + org.apache.commons.codec.digest.Sha2Crypt.sha512Crypt("secret".getBytes(StandardCharsets.UTF_8), "$6$saltsalt");
        BasicAuth b = BasicAuth.of(AuthMode.STRICT, null, List.of(six), "users");
        assertThat(b.authenticate(h -> h.equals("authorization") ? basic("dave", "secret") : null)).isInstanceOf(AuthOutcome.Authenticated.class);
        long t0 = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            assertThat(b.authenticate(h -> h.equals("authorization") ? basic("dave", "secret") : null)).isInstanceOf(AuthOutcome.Authenticated.class);
        }
        // 200 crypt calls would take ~0.5–2 s; 200 cache hits take a few ms.
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0)).isLessThan(java.time.Duration.ofMillis(300));
        assertThat(b.authenticate(h -> h.equals("authorization") ? basic("dave", "wrong") : null)).isInstanceOf(AuthOutcome.Denied.class);
        String huge = "x".repeat(8000);
        t0 = System.nanoTime();
        assertThat(b.authenticate(h -> h.equals("authorization") ? basic("dave", huge) : null))
                .isEqualTo(new AuthOutcome.Denied(401, "authentication failure: invalid credentials", "Basic realm=\"Restricted\""));
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0)).isLessThan(java.time.Duration.ofMillis(50));
    }

    private static byte[] sha1(String s) {
        try {
            return java.security.MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, Object> vars(String group, String model) {
        return Map.of("request", Map.of("method", "POST", "headers", Map.of()), "jwt", Map.of(), "basicAuth", Map.of(),
                "apiKey", Map.of("group", group), "llm", Map.of("requestModel", model), "source", Map.of(), "response", Map.of());
    }

    @Test
    void authorizationAllowDenyRequire() {
        Authorization a = new Authorization(List.of(
                new Authorization.Rule(Authorization.Action.ALLOW, CelExpression.compile("apiKey.group == 'sales' && llm.requestModel.startsWith('gpt-4o-mini')")),
                new Authorization.Rule(Authorization.Action.ALLOW, CelExpression.compile("apiKey.group == 'ml'"))));
        assertThat(a.allows(vars("sales", "gpt-4o-mini"))).isTrue();
        assertThat(a.allows(vars("sales", "gpt-4o"))).isFalse();
        assertThat(a.allows(vars("ml", "gpt-4o"))).isTrue();
        Authorization deny = a.and(new Authorization(List.of(new Authorization.Rule(Authorization.Action.DENY,
                CelExpression.compile("llm.requestModel == 'o1'")))));
        assertThat(deny.allows(vars("ml", "o1"))).isFalse();
        Authorization require = new Authorization(List.of(new Authorization.Rule(Authorization.Action.REQUIRE,
                CelExpression.compile("jwt.azp == 'agw-client'"))));   // missing claim: does not match
        assertThat(require.allows(vars("ml", "x"))).isFalse();
        assertThat(new Authorization(List.of()).allows(vars("x", "y"))).isTrue();
        assertThatThrownBy(() -> CelExpression.compile("apiKey.group ==")).hasMessageContaining("does not compile");
    }
}
