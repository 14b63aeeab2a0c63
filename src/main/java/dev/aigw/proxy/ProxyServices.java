package dev.aigw.proxy;

import dev.aigw.policy.PolicyEngine;
import dev.aigw.proxy.resilience.AttemptPlanner;
import dev.aigw.proxy.resilience.ProviderHealth;
import dev.aigw.proxy.resilience.RetryBudgets;
import dev.aigw.telemetry.Telemetry;
import dev.aigw.cost.Catalog;
import dev.aigw.governance.GovernanceRuntime;
import dev.aigw.governance.GovernanceTables;
import io.vertx.core.Vertx;

/**
 * What every request shares for the life of the gateway (they outlive config reloads): the
 * upstream pools, telemetry, the policy engine's clients, provider health and retry budgets.
 */
public record ProxyServices(Vertx vertx, ProxyOptions options, Upstreams upstreams, Telemetry telemetry,
                            PolicyEngine policies, ProviderHealth health, AttemptPlanner planner,
                            RetryBudgets budgets, GovernanceTables governance, GovernanceRuntime governanceRuntime) {

    public static ProxyServices create(Vertx vertx, ProxyOptions options, Telemetry telemetry) {
        return create(vertx, options, telemetry, new GovernanceTables(), new GovernanceRuntime(vertx, null, Catalog.defaults()));
    }

    /** @param governance the per-snapshot governance tables, published by whoever applies snapshots */
    public static ProxyServices create(Vertx vertx, ProxyOptions options, Telemetry telemetry, GovernanceTables governance,
                                       GovernanceRuntime runtime) {
        ProviderHealth health = new ProviderHealth();
        return new ProxyServices(vertx, options, new Upstreams(vertx, options), telemetry, new PolicyEngine(vertx),
                health, new AttemptPlanner(health), new RetryBudgets(), governance, runtime);
    }
}
