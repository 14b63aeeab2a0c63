package dev.aigw.proxy;

import dev.aigw.config.HttpRouteResource;
import dev.aigw.route.CompiledRule;
import io.vertx.core.MultiMap;

/** The HTTPRoute header filters, applied to upstream requests and client responses. */
final class Filters {
    private Filters() {
    }

    static void request(CompiledRule rule, MultiMap headers) {
        for (HttpRouteResource.Filter f : rule.filters()) {
            if (f instanceof HttpRouteResource.RequestHeaderModifier m) modify(headers, m.modifier());
        }
    }

    static void response(CompiledRule rule, MultiMap headers) {
        for (HttpRouteResource.Filter f : rule.filters()) {
            if (f instanceof HttpRouteResource.ResponseHeaderModifier m) modify(headers, m.modifier());
        }
    }

    private static void modify(MultiMap headers, HttpRouteResource.HeaderModifier m) {
        m.set().forEach(headers::set);
        m.add().forEach(headers::add);
        m.remove().forEach(headers::remove);
    }
}
