package dev.aigw.proxy;

import dev.aigw.policy.PolicyEngine;
import dev.aigw.proxy.resilience.AttemptPlanner;
import dev.aigw.proxy.resilience.ProviderHealth;
import dev.aigw.proxy.resilience.RetryBudgets;
import dev.aigw.telemetry.Telemetry;
import io.vertx.core.Vertx;

/**
 * What every request shares for the life of the gateway (they outlive config reloads): the
 * upstream pools, telemetry, the policy engine's clients, provider health and retry budgets.
 */
public record ProxyServices(Vertx vertx, ProxyOptions options, Upstreams upstreams, Telemetry telemetry,
                            PolicyEngine policies, ProviderHealth health, AttemptPlanner planner,
                            RetryBudgets budgets) {

    public static ProxyServices create(Vertx vertx, ProxyOptions options, Telemetry telemetry) {
        ProviderHealth health = new ProviderHealth();
        Upstreams upstreams = new Upstreams(vertx, options);
        // Webhooks and moderation go out through the same clients as providers (--connect-to, --ca-file).
        return new ProxyServices(vertx, options, upstreams, telemetry, new PolicyEngine(vertx, upstreams::request),
                health, new AttemptPlanner(health), new RetryBudgets());
    }
}
