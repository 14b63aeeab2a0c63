package dev.aigw.auth;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeysTest {
    static final String PLAIN = "N2YwMDIxZTEtNGUzNS1jNzgzLTRkYjAtYjE2YzRkZGVmNjcy";
    static final String SALES = "YWJjMTIzLTRlZjUtNjc4OS1hYmNkLWVmMTIzNDU2Nzg5MA";
    static final String HASHED = "hashed-key-value-0001";

    static ApiKeys keys(AuthMode mode) {
        return new ApiKeys.Builder()
                .add("Secret ns/apikey key api-key", PLAIN, false)
                .add("Secret ns/apikey key client3", "{\"key\": \"" + SALES + "\", \"metadata\": {\"group\": \"sales\", \"name\": \"client3\", \"tier\": 2}}", false)
                .add("ConfigMap ns/keys key k", "{\"keyHash\": \"sha256:" + ApiKeys.digest(HASHED) + "\", \"metadata\": {\"team\": \"ml\"}}", true)
                .build(mode, CredentialLocation.BEARER);
    }

    static Function<String, String> bearer(String v) {
        return h -> h.equals("authorization") && v != null ? "Bearer " + v : null;
    }

    @Test
    void validPlainKeyHasAHashIdNeverTheKey() {
        var o = (AuthOutcome.Authenticated) keys(AuthMode.STRICT).authenticate(bearer(PLAIN));
        assertThat(o.caller().keyId()).isEqualTo("sha256:" + ApiKeys.digest(PLAIN).substring(0, 12));
        assertThat(o.caller().toString()).doesNotContain(PLAIN);
        assertThat(o.toString()).doesNotContain(PLAIN);
        assertThat(o.header()).isEqualTo("authorization");
    }

    @Test
    void jsonEntryCarriesMetadataAndItsName() {
        var o = (AuthOutcome.Authenticated) keys(AuthMode.STRICT).authenticate(bearer(SALES));
        assertThat(o.caller().keyId()).isEqualTo("client3");
        assertThat(o.caller().apiKey()).containsEntry("group", "sales").containsEntry("tier", 2L);
        assertThat(o.caller().team()).isEqualTo("sales");
        assertThat(o.caller().celVariables().get("apiKey")).isEqualTo(Map.of("group", "sales", "name", "client3", "tier", 2L, "id", "client3"));
    }

    @Test
    void hashedKeyMatches() {
        var o = (AuthOutcome.Authenticated) keys(AuthMode.STRICT).authenticate(bearer(HASHED));
        assertThat(o.caller().team()).isEqualTo("ml");
    }

    @Test
    void strictRefusesMissingAndInvalid() {
        ApiKeys k = keys(AuthMode.STRICT);
        assertThat(k.authenticate(bearer(null))).isEqualTo(new AuthOutcome.Denied(401, "api key authentication failure: no API Key found", null));
        assertThat(k.authenticate(bearer("wrong"))).isEqualTo(new AuthOutcome.Denied(401, "api key authentication failure: invalid credentials", null));
        assertThat(k.authenticate(h -> h.equals("authorization") ? "Basic " + PLAIN : null)).isInstanceOf(AuthOutcome.Denied.class);
    }

    @Test
    void optionalPassesMissingButRefusesInvalid() {
        ApiKeys k = keys(AuthMode.OPTIONAL);
        assertThat(k.authenticate(bearer(null))).isInstanceOf(AuthOutcome.Anonymous.class);
        assertThat(k.authenticate(bearer("wrong"))).isInstanceOf(AuthOutcome.Denied.class);
        assertThat(k.authenticate(bearer(PLAIN))).isInstanceOf(AuthOutcome.Authenticated.class);
    }

    @Test
    void permissivePassesEverythingAndStillIdentifies() {
        ApiKeys k = keys(AuthMode.PERMISSIVE);
        assertThat(k.authenticate(bearer(null))).isInstanceOf(AuthOutcome.Anonymous.class);
        assertThat(k.authenticate(bearer("wrong"))).isInstanceOf(AuthOutcome.Anonymous.class);
        assertThat(k.authenticate(bearer(SALES))).isInstanceOf(AuthOutcome.Authenticated.class);
    }

    @Test
    void customHeaderLocation() {
        ApiKeys k = new ApiKeys.Builder().add("s", PLAIN, false).build(AuthMode.STRICT, new CredentialLocation("X-Api-Key", ""));
        assertThat(k.authenticate(h -> h.equals("x-api-key") ? PLAIN : null)).isInstanceOf(AuthOutcome.Authenticated.class);
    }

    @Test
    void badEntriesAreRefusedWithoutQuotingThem() {
        assertThatThrownBy(() -> new ApiKeys.Builder().add("ConfigMap ns/c key a", "plain-secret", true))
                .hasMessage("ConfigMap ns/c key a: a ConfigMap may hold only {\"keyHash\": \"sha256:...\"} entries, not keys");
        assertThatThrownBy(() -> new ApiKeys.Builder().add("Secret ns/s key a", "{\"key\": \"abc\", \"keyHash\": \"sha256:00\"}", false))
                .hasMessage("Secret ns/s key a: needs exactly one of \"key\" and \"keyHash\"");
        assertThatThrownBy(() -> new ApiKeys.Builder().add("Secret ns/s key a", "{\"keyHash\": \"md5:abc\"}", false))
                .hasMessage("Secret ns/s key a: \"keyHash\" must be sha256:<64 hex digits>");
        assertThatThrownBy(() -> new ApiKeys.Builder().add("Secret ns/s key a", "{\"key\": \"secret-value-123", false))
                .hasMessageNotContaining("secret-value-123");
        assertThatThrownBy(() -> new ApiKeys.Builder().add("Secret a", "k1", false).add("Secret b", "k1", false))
                .hasMessage("Secret b: the same key as Secret a");
    }
}
