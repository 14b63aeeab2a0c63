package dev.aigw.route;

import dev.aigw.config.HttpRouteResource;

/** The rule a request matched and how: {@code prefix} is the matched path prefix for URL rewrites. */
public record RouteMatch(CompiledRule rule, HttpRouteResource.Match match, String prefix) {
}
