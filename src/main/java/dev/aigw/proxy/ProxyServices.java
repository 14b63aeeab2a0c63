package dev.aigw.proxy;

import dev.aigw.policy.PolicyEngine;
import dev.aigw.proxy.resilience.AttemptPlanner;
import dev.aigw.proxy.resilience.ProviderHealth;
import dev.aigw.proxy.resilience.RetryBudgets;
import dev.aigw.proxy.stage.RequestStage;
import dev.aigw.telemetry.Telemetry;
import dev.aigw.cost.Catalog;
import dev.aigw.governance.GovernanceRuntime;
import dev.aigw.governance.GovernanceTables;
import io.vertx.core.Vertx;

import java.util.List;

/**
 * What every request shares for the life of the gateway (they outlive config reloads): the
 * upstream pools, telemetry, the policy engine's clients, provider health, retry budgets, the
 * global bound on buffered bytes, and the request-scope stages plugged into the AI pipeline.
 */
public record ProxyServices(Vertx vertx, ProxyOptions options, Upstreams upstreams, Telemetry telemetry,
                            PolicyEngine policies, ProviderHealth health, AttemptPlanner planner,
                            RetryBudgets budgets, BufferBudget buffers, Stages stages, GovernanceTables governance,
                            GovernanceRuntime governanceRuntime) {

    /**
     * The request-scope stages other packages plug into the AI pipeline (see {@code
     * AiExchange.requestStages}): {@code authentication} run before the route's request policy,
     * {@code limits} after it, each list in order.
     */
    public record Stages(List<RequestStage> authentication, List<RequestStage> limits) {
        public static final Stages NONE = new Stages(List.of(), List.of());

        public Stages {
            authentication = List.copyOf(authentication);
            limits = List.copyOf(limits);
        }
    }

    public static ProxyServices create(Vertx vertx, ProxyOptions options, Telemetry telemetry) {
        return create(vertx, options, telemetry, Stages.NONE);
    }

    public static ProxyServices create(Vertx vertx, ProxyOptions options, Telemetry telemetry, Stages stages) {
        return create(vertx, options, telemetry, stages, new GovernanceTables(), new GovernanceRuntime(vertx, null, Catalog.defaults()));
    }

    /** @param governance the per-snapshot governance tables, published by whoever applies snapshots */
    public static ProxyServices create(Vertx vertx, ProxyOptions options, Telemetry telemetry, Stages stages,
                                       GovernanceTables governance, GovernanceRuntime runtime) {
        ProviderHealth health = new ProviderHealth();
        Upstreams upstreams = new Upstreams(vertx, options);
        // Webhooks and moderation go out through the same clients as providers (--connect-to, --ca-file).
        return new ProxyServices(vertx, options, upstreams, telemetry, new PolicyEngine(vertx, upstreams::request),
                health, new AttemptPlanner(health), new RetryBudgets(), new BufferBudget(options.maxBufferedBytes()),
                stages, governance, runtime);
    }
}
