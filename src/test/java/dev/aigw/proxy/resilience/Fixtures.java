package dev.aigw.proxy.resilience;

import dev.aigw.config.BackendResource;
import dev.aigw.provider.MockProvider;
import dev.aigw.provider.Provider;
import dev.aigw.route.Destination;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

final class Fixtures {
    private Fixtures() {
    }

    static Provider p(String name) {
        return new MockProvider(name, new BackendResource.Mock(Optional.empty()));
    }

    static Destination.Ai backend(BackendResource.LoadBalancing lb, List<String>... groups) {
        return new Destination.Ai("ai/b", Arrays.stream(groups).map(g -> g.stream().map(Fixtures::p).toList()).toList(), lb);
    }

    static ProviderKey key(String name) {
        return ProviderKey.of("ai/b", p(name));
    }

    /** Case-insensitive header lookup over name/value pairs. */
    static Function<String, String> headers(String... kv) {
        Map<String, String> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m::get;
    }
}
