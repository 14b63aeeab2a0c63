package dev.aigw.proxy;

import dev.aigw.auth.Caller;
import dev.aigw.cost.Catalog;
import dev.aigw.cost.Cost;
import dev.aigw.governance.SpendLedger;
import dev.aigw.limit.Admission;
import dev.aigw.telemetry.ExchangeObserver;
import dev.aigw.translate.Usage;

import java.util.HashMap;
import java.util.Map;

/**
 * Wraps an AI exchange's observer: prices its usage under the model catalog ({@code cost}), and
 * for a governed request charges what the response used to the limits (tokens, budgets) and the
 * spend ledger, once, when the usage is known; that is also when a stream the client cut short
 * reports what it delivered.
 */
final class MeteredObserver implements ExchangeObserver {
    private final ExchangeObserver d;
    private final Catalog catalog;
    private final Caller caller;
    private final Admission admission;
    private final Map<String, Object> vars;
    private final SpendLedger ledger;
    private String kind;
    private String requestedModel;
    private boolean settled;

    /** @param caller null for an ungoverned request (then only the cost is reported) */
    MeteredObserver(ExchangeObserver d, Catalog catalog, Caller caller, Admission admission, Map<String, Object> vars, SpendLedger ledger) {
        this.d = d;
        this.catalog = catalog;
        this.caller = caller;
        this.admission = admission;
        this.vars = vars;
        this.ledger = ledger;
    }

    @Override
    public void routed(String route, String backend) {
        d.routed(route, backend);
    }

    @Override
    public void attemptStarted(String providerKind, String providerName, String model, String upstreamHost) {
        kind = providerKind;
        requestedModel = model;
        d.attemptStarted(providerKind, providerName, model, upstreamHost);
    }

    @Override
    public Map<String, String> upstreamHeaders() {
        return d.upstreamHeaders();
    }

    @Override
    public void content(String prompt, String completion) {
        d.content(prompt, completion);
    }

    @Override
    public void attemptFailed(String reason, int status) {
        d.attemptFailed(reason, status);
    }

    @Override
    public void responseHeaders(int status) {
        d.responseHeaders(status);
    }

    @Override
    public void firstChunk() {
        d.firstChunk();
    }

    @Override
    public void usage(Usage usage, String responseModel, String finishReason, boolean estimated) {
        d.usage(usage, responseModel, finishReason, estimated);
        if (settled || usage == null) return;
        settled = true;
        String model = responseModel != null ? responseModel : requestedModel;
        Cost cost = catalog.price(kind, model, usage);
        if (cost.priced()) {
            d.cost(cost.totalUsd(), cost.input().doubleValue(), cost.output().doubleValue(), cost.cacheRead().doubleValue(),
                    cost.cacheWrite().doubleValue());
        }
        if (caller == null) return;
        ledger.spent(caller.principal(), caller.team(), model, usage.input(), usage.output(), cost.total());
        if (admission.allowed() && admission.limits() != null) {
            Map<String, Object> after = new HashMap<>(vars);
            Map<String, Object> llm = new HashMap<>();
            if (vars.get("llm") instanceof Map<?, ?> before) before.forEach((k, v) -> llm.put(k.toString(), v));
            if (model != null) llm.put("responseModel", model);
            if (kind != null) llm.put("provider", kind);
            llm.put("inputTokens", usage.input());
            llm.put("outputTokens", usage.output());
            llm.put("totalTokens", usage.total());
            llm.put("cachedInputTokens", usage.cacheRead());
            llm.put("reasoningTokens", usage.reasoning());
            llm.put("cost", cost.toCel());
            after.put("llm", llm);
            admission.settle(after);
        }
    }

    @Override
    public void caller(String principal, String team) {
        d.caller(principal, team);
    }

    @Override
    public void cost(double total, double input, double output, double cacheRead, double cacheWrite) {
        d.cost(total, input, output, cacheRead, cacheWrite);
    }

    @Override
    public void rateLimited(long tokens) {
        d.rateLimited(tokens);
    }

    @Override
    public void finished(int status, boolean streamed, long bytesOut) {
        d.finished(status, streamed, bytesOut);
    }
}
