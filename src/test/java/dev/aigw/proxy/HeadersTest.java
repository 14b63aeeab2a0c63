package dev.aigw.proxy;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class HeadersTest {
    private static final Set<String> LISTED = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "transfer-encoding", "upgrade", "trailer", "proxy-authenticate", "proxy-authorization", "http2-settings");

    @Test
    void hopByHopNamesInAnyCaseAndNothingElse() {
        assertThat(Headers.HOP_BY_HOP).isEqualTo(LISTED);
        for (String h : Headers.HOP_BY_HOP) {
            assertThat(Headers.hopByHop(h)).as(h).isTrue();
            assertThat(Headers.hopByHop(h.toUpperCase(Locale.ROOT))).as(h).isTrue();
        }
        for (String h : new String[]{"content-type", "tE2", "x-te", "connections", "keep-alivE!", "authorization", ""}) {
            assertThat(Headers.hopByHop(h)).as(h).isFalse();
        }
    }

    @Test
    void copyDropsHopByHopConnectionNamedAndCredentials() {
        MultiMap from = MultiMap.caseInsensitiveMultiMap()
                .add("Content-Type", "application/json").add("Connection", "keep-alive, X-Secret")
                .add("X-Secret", "s").add("Transfer-Encoding", "chunked").add("Authorization", "Bearer k")
                .add("X-Api-Key", "k").add("Accept", "a").add("Accept", "b");
        MultiMap out = Headers.copy(from, Headers.CREDENTIALS);
        assertThat(out.names()).containsExactlyInAnyOrder("Content-Type", "Accept");
        assertThat(out.getAll("accept")).containsExactly("a", "b");
        assertThat(Headers.copy(from, Set.of()).get("authorization")).isEqualTo("Bearer k");
    }

    @Test
    void replaceWithIsSetAllOfTheCopy() {
        MultiMap to = MultiMap.caseInsensitiveMultiMap().add("x-request-id", "ours").add("Set-Cookie", "old")
                .add("x-gateway-provider", "p");
        MultiMap from = MultiMap.caseInsensitiveMultiMap().add("set-cookie", "a").add("Set-Cookie", "b")
                .add("Content-Length", "3").add("Keep-Alive", "timeout=5").add("Connection", "x-hop").add("X-Hop", "1");
        MultiMap want = MultiMap.caseInsensitiveMultiMap().addAll(to).setAll(Headers.copy(from, Set.of()));
        Headers.replaceWith(from, to);
        assertThat(to.entries().toString()).isEqualTo(want.entries().toString());
        assertThat(to.getAll("set-cookie")).containsExactly("a", "b");
        assertThat(to.contains("keep-alive")).isFalse();
        assertThat(to.contains("x-hop")).isFalse();
    }

    /** Connection naming only hop-by-hop options (the usual keep-alive) drops just those; any other name listed still goes. */
    @Test
    void connectionOfHopByHopNamesOnlyDropsJustThose() {
        MultiMap from = MultiMap.caseInsensitiveMultiMap().add("Connection", "Keep-Alive").add("Keep-Alive", "timeout=5")
                .add("Content-Type", "application/json").add("X-Other", "1");
        assertThat(Headers.copy(from, Set.of()).names()).containsExactlyInAnyOrder("Content-Type", "X-Other");
        MultiMap named = MultiMap.caseInsensitiveMultiMap().add("Connection", "keep-alive").add("Connection", " , X-Other ,")
                .add("X-Other", "1").add("Content-Type", "application/json");
        assertThat(Headers.copy(named, Set.of()).names()).containsExactly("Content-Type");
        MultiMap to = MultiMap.caseInsensitiveMultiMap();
        Headers.replaceWith(named, to);
        assertThat(to.names()).containsExactly("Content-Type");
    }
}
