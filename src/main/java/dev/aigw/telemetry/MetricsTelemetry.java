package dev.aigw.telemetry;

import dev.aigw.translate.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Prometheus metrics through Micrometer.
 *
 * <p>OpenTelemetry GenAI names (as agentgateway exports them): {@code gen_ai_client_token_usage}
 * (histogram; labels {@code gen_ai_token_type} input|output, {@code gen_ai_operation_name},
 * {@code gen_ai_system}, {@code gen_ai_request_model}, {@code gen_ai_response_model}, {@code route},
 * {@code backend}), {@code gen_ai_server_request_duration}, {@code gen_ai_server_time_to_first_token},
 * {@code gen_ai_server_time_per_output_token} (histograms in seconds, same labels less the token type),
 * with the semantic conventions' bucket boundaries.
 *
 * <p>kgateway's counters with labels {@code llm} (provider kind) and {@code model} (requested model):
 * {@code ai_prompt_tokens_total}, {@code ai_completion_tokens_total}, {@code ai_rate_limited_tokens_total},
 * {@code ai_exception_raised_total} (a failed upstream attempt).
 *
 * <p>HTTP: {@code aigw_requests_total} (route, backend, status), {@code aigw_upstream_latency_seconds}
 * (backend, provider; time to the response head of each attempt), {@code aigw_upstream_failures_total}
 * (backend, provider, status; 0 when no response came), {@code aigw_active_requests},
 * {@code aigw_active_streams} (responses being written), {@code aigw_config_reloads_total} (result
 * ok|failed), {@code aigw_config_generation}.
 *
 * <p>Every label value comes from configuration (route, backend, provider kind), from a small fixed
 * set (status codes, token types) or through {@link ModelLabels}.
 *
 * <p>One class over the usual length: the meters, the caches in front of them and the per-request
 * observer that feeds them share the label layout; split, each would expose the others' keys.
 */
public final class MetricsTelemetry implements Telemetry {
    static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
            16777216, 67108864};
    static final double[] DURATION_BUCKETS = {0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24,
            20.48, 40.96, 81.92};
    static final double[] TTFT_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5,
            5.0, 7.5, 10.0};
    static final double[] TPOT_BUCKETS = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5};
    private static final Duration[] UPSTREAM_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};
    /** Chat completions, messages, generateContent and the Responses API. */
    public static final String OPERATION_CHAT = "chat";
    public static final String OPERATION_EMBEDDINGS = "embeddings";

    /** The GenAI operation name of a request path: {@code embeddings} for …/embeddings, else {@code chat}. */
    public static String operation(String path) {
        return path.endsWith("/embeddings") || path.endsWith(":embedContent") || path.endsWith(":batchEmbedContents")
                ? OPERATION_EMBEDDINGS : OPERATION_CHAT;
    }

    private final MeterRegistry registry;
    private final PrometheusMeterRegistry prometheus;
    private final ModelLabels models;
    private final LongSupplier nanoTime;
    private final AtomicLong activeRequests = new AtomicLong();
    private final AtomicLong activeStreams = new AtomicLong();
    private final AtomicLong generation = new AtomicLong();
    private final Counter reloadsOk;
    private final Counter reloadsFailed;
    /**
     * Meters by name and tags. Registering looks a meter up by building its id each time, which
     * cost ~5% of a proxied request; label values are bounded (config, `other`), so is this map.
     */
    private final java.util.Map<MeterKey, io.micrometer.core.instrument.Meter> meters =
            new java.util.concurrent.ConcurrentHashMap<>();

    /*
     * The keys below write out equals and hashCode (component by component, as a record's): a
     * record's own are linked through an invokedynamic (ObjectMethods) on first use, which spins
     * LambdaForms the AOT cache does not hold, and the first request hashes or compares these keys.
     */
    private record MeterKey(String name, Tags tags) {
        @Override
        public boolean equals(Object o) {
            return o == this || o instanceof MeterKey k && Objects.equals(name, k.name) && Objects.equals(tags, k.tags);
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(name) * 31 + Objects.hashCode(tags);
        }
    }

    /*
     * The hot path's caches in front of that map: building the Tags of a key (sorting a dozen
     * strings, a Tag object each) cost as much as the lookup it saved, several times per request.
     * These are keyed by the raw label values, which are as bounded as the meters themselves.
     */
    private record Series(String operation, String route, String backend, String kind, String requestModel, String responseModel) {
        @Override
        public boolean equals(Object o) {
            return o == this || o instanceof Series k && Objects.equals(operation, k.operation)
                    && Objects.equals(route, k.route) && Objects.equals(backend, k.backend) && Objects.equals(kind, k.kind)
                    && Objects.equals(requestModel, k.requestModel) && Objects.equals(responseModel, k.responseModel);
        }

        @Override
        public int hashCode() {
            int h = Objects.hashCode(operation);
            h = h * 31 + Objects.hashCode(route);
            h = h * 31 + Objects.hashCode(backend);
            h = h * 31 + Objects.hashCode(kind);
            h = h * 31 + Objects.hashCode(requestModel);
            return h * 31 + Objects.hashCode(responseModel);
        }
    }

    private record RequestKey(String route, String backend, int status) {
        @Override
        public boolean equals(Object o) {
            return o == this || o instanceof RequestKey k && status == k.status && Objects.equals(route, k.route)
                    && Objects.equals(backend, k.backend);
        }

        @Override
        public int hashCode() {
            return (Objects.hashCode(route) * 31 + Objects.hashCode(backend)) * 31 + Integer.hashCode(status);
        }
    }

    private record UpstreamKey(String backend, String kind) {
        @Override
        public boolean equals(Object o) {
            return o == this || o instanceof UpstreamKey k && Objects.equals(backend, k.backend) && Objects.equals(kind, k.kind);
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(backend) * 31 + Objects.hashCode(kind);
        }
    }

    private record SpendKey(String route, String model, String team) {
        @Override
        public boolean equals(Object o) {
            return o == this || o instanceof SpendKey k && Objects.equals(route, k.route) && Objects.equals(model, k.model)
                    && Objects.equals(team, k.team);
        }

        @Override
        public int hashCode() {
            return (Objects.hashCode(route) * 31 + Objects.hashCode(model)) * 31 + Objects.hashCode(team);
        }
    }

    private final java.util.Map<Series, GenAiMeters> genAi = new java.util.concurrent.ConcurrentHashMap<>();

    /*
     * The last meter each lookup found, by the identity of its label values: under steady traffic
     * the same config strings come request after request, and this skips the key's allocation and
     * the map. Immutable records, so plain fields are safe to share between event loops (a race
     * only makes both look the meter up).
     */
    private record LastTimer(String backend, String kind, Timer timer) {
    }

    private record LastRequests(String route, String backend, int status, Counter counter) {
    }

    private record LastGenAi(String operation, String route, String backend, String kind, String requestModel,
                             String responseModel, GenAiMeters meters) {
        boolean is(String o, String r, String b, String k, String req, String resp) {
            return operation == o && route == r && backend == b && kind == k && requestModel == req && responseModel == resp;
        }
    }

    private record LastSpend(String route, String model, String team, Counter counter) {
    }

    private record LastInFlight(String upstream, AtomicLong count) {
    }

    private LastTimer lastTimer;
    private LastRequests lastRequests;
    private LastGenAi lastGenAi;
    private LastSpend lastSpend;
    private LastInFlight lastInFlight;
    private final java.util.Map<RequestKey, Counter> requests = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<UpstreamKey, Timer> upstreamLatency = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<SpendKey, Counter> spend = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The GenAI meters of one label set, each registered on first use (so a series appears only
     * once it has a value, as before). Two event loops may race to fill a field; both get the
     * same meter from {@link #meter}, so the race is harmless.
     */
    private final class GenAiMeters {
        private final Tags tags;
        private final Tags llmModel;
        private DistributionSummary input;
        private DistributionSummary output;
        private DistributionSummary duration;
        private DistributionSummary ttft;
        private DistributionSummary tpot;
        private Counter prompt;
        private Counter completion;

        GenAiMeters(Series s) {
            tags = Tags.of("gen_ai_operation_name", s.operation(), "gen_ai_system", genAiSystem(s.kind()),
                    "gen_ai_request_model", s.requestModel(), "gen_ai_response_model", s.responseModel(),
                    "route", s.route(), "backend", s.backend());
            llmModel = Tags.of("llm", nz(s.kind()), "model", s.requestModel().isEmpty() ? s.responseModel()
                    : s.requestModel());
        }

        DistributionSummary input() {
            if (input == null) input = summary("gen_ai.client.token.usage", tags.and("gen_ai_token_type", "input"),
                    "Tokens used per request, by type", TOKEN_BUCKETS);
            return input;
        }

        DistributionSummary output() {
            if (output == null) output = summary("gen_ai.client.token.usage", tags.and("gen_ai_token_type", "output"),
                    "Tokens used per request, by type", TOKEN_BUCKETS);
            return output;
        }

        DistributionSummary duration() {
            if (duration == null) duration = summary("gen_ai.server.request.duration", tags,
                    "Seconds from request to the end of the response", DURATION_BUCKETS);
            return duration;
        }

        DistributionSummary ttft() {
            if (ttft == null) ttft = summary("gen_ai.server.time_to_first_token", tags,
                    "Seconds to the first streamed chunk", TTFT_BUCKETS);
            return ttft;
        }

        DistributionSummary tpot() {
            if (tpot == null) tpot = summary("gen_ai.server.time_per_output_token", tags,
                    "Seconds per output token after the first", TPOT_BUCKETS);
            return tpot;
        }

        Counter prompt() {
            if (prompt == null) prompt = counter("ai.prompt.tokens", llmModel, null);
            return prompt;
        }

        Counter completion() {
            if (completion == null) completion = counter("ai.completion.tokens", llmModel, null);
            return completion;
        }
    }

    /**
     * Upstream requests in flight per upstream (host:port from config, so bounded): with HTTP/1.1
     * pools that is the number of pooled connections in use, which Vert.x core does not expose.
     */
    private final java.util.Map<String, AtomicLong> inFlight = new java.util.concurrent.ConcurrentHashMap<>();

    private AtomicLong inFlight(String upstream) {
        LastInFlight last = lastInFlight;
        if (last != null && last.upstream() == upstream) return last.count();
        AtomicLong n = inFlight.get(upstream);
        if (n == null) n = newInFlight(upstream);
        lastInFlight = new LastInFlight(upstream, n);
        return n;
    }

    private AtomicLong newInFlight(String upstream) {
        return inFlight.computeIfAbsent(upstream, u -> {
            AtomicLong n = new AtomicLong();
            Gauge.builder("aigw.upstream.in_flight", n, AtomicLong::get).tag("upstream", u)
                    .description("Upstream requests in flight (connections in use), by upstream").register(registry);
            return n;
        });
    }

    @SuppressWarnings("unchecked")
    private <M extends io.micrometer.core.instrument.Meter> M meter(String name, Tags tags,
                                                                    java.util.function.Supplier<M> make) {
        return (M) meters.computeIfAbsent(new MeterKey(name, tags), k -> make.get());
    }

    private Counter counter(String name, Tags tags, String description) {
        return meter(name, tags, () -> Counter.builder(name).tags(tags).description(description).register(registry));
    }

    private DistributionSummary summary(String name, Tags tags, String description, double[] buckets) {
        return meter(name, tags, () -> DistributionSummary.builder(name).tags(tags).description(description)
                .serviceLevelObjectives(buckets).register(registry));
    }

    /** A Prometheus registry of its own; models known from config come from {@code knownModels}. */
    public MetricsTelemetry(Supplier<Set<String>> knownModels) {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), knownModels, System::nanoTime);
    }

    public MetricsTelemetry(MeterRegistry registry, Supplier<Set<String>> knownModels, LongSupplier nanoTime) {
        this.registry = registry;
        this.prometheus = registry instanceof PrometheusMeterRegistry p ? p : null;
        this.models = new ModelLabels(knownModels);
        this.nanoTime = nanoTime;
        Gauge.builder("aigw.active.requests", activeRequests, AtomicLong::get)
                .description("Client requests in flight").register(registry);
        Gauge.builder("aigw.active.streams", activeStreams, AtomicLong::get)
                .description("Responses being written to clients (streams in progress)").register(registry);
        Gauge.builder("aigw.config.generation", generation, AtomicLong::get)
                .description("Generation of the configuration being served").register(registry);
        reloadsOk = Counter.builder("aigw.config.reloads").tag("result", "ok")
                .description("Configuration loads, by result").register(registry);
        reloadsFailed = Counter.builder("aigw.config.reloads").tag("result", "failed")
                .description("Configuration loads, by result").register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition (version 0.0.4), for the admin server's {@code /metrics}. */
    public String scrape() {
        return prometheus == null ? "" : prometheus.scrape();
    }

    @Override
    public void configLoaded(boolean accepted, long gen) {
        if (accepted) {
            reloadsOk.increment();
            generation.set(gen);
        } else {
            reloadsFailed.increment();
        }
    }

    @Override
    public ExchangeObserver begin(RequestInfo info) {
        activeRequests.incrementAndGet();
        return new Observer(info.startNanos(), operation(info.path()));
    }

    /** OpenTelemetry's {@code gen_ai.system} value for a provider kind. */
    static String genAiSystem(String providerKind) {
        if (providerKind == null) {
            return "";
        }
        return switch (providerKind) {
            case "openai" -> "openai";
            case "azureopenai" -> "az.ai.openai";
            case "anthropic" -> "anthropic";
            case "gemini" -> "gcp.gemini";
            case "vertexai" -> "gcp.vertex_ai";
            case "bedrock" -> "aws.bedrock";
            default -> providerKind;
        };
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private final class Observer implements ExchangeObserver {
        private final long start;
        private String route = "";
        private String team = "";
        private String backend = "";
        private String kind;
        private String requestModel = ModelLabels.NONE;
        private String responseModel = ModelLabels.NONE;
        private long attemptStart;
        private long firstChunk = -1;
        private long outputTokens;
        private boolean ai;
        private boolean streamCounted;
        private boolean done;
        private AtomicLong upstream;
        /** This exchange's GenAI meters and the labels they were found under (compared by identity). */
        private LastGenAi series;

        private final String operation;

        Observer(long start, String operation) {
            this.start = start;
            this.operation = operation;
        }

        @Override
        public void routed(String route, String backend) {
            this.route = nz(route);
            this.backend = nz(backend);
        }

        @Override
        public void attemptStarted(String providerKind, String providerName, String requestedModel, String upstreamHost) {
            kind = providerKind;
            ai = providerKind != null;
            requestModel = models.label(requestedModel);
            attemptStart = nanoTime.getAsLong();
            endAttempt();
            if (upstreamHost != null && !upstreamHost.startsWith("builtin")) {
                upstream = inFlight(upstreamHost);
                upstream.incrementAndGet();
            }
        }

        /** The attempt in flight, if any, is over (failed, or its exchange finished). */
        private void endAttempt() {
            if (upstream != null) {
                upstream.decrementAndGet();
                upstream = null;
            }
        }

        @Override
        public void attemptFailed(String reason, int status) {
            endAttempt();
            counter("aigw.upstream.failures", Tags.of("backend", backend, "provider", nz(kind),
                    "status", Integer.toString(status)), null).increment();
            if (ai) {
                counter("ai.exception.raised", Tags.of("llm", nz(kind), "model", requestModel), null).increment();
            }
        }

        @Override
        public void responseHeaders(int status) {
            if (attemptStart != 0) {
                String k = nz(kind);
                LastTimer last = lastTimer;
                Timer timer;
                if (last != null && last.backend() == backend && last.kind() == k) {
                    timer = last.timer();
                } else {
                    timer = upstreamLatency.computeIfAbsent(new UpstreamKey(backend, k), key -> {
                        Tags t = Tags.of("backend", key.backend(), "provider", key.kind());
                        return meter("aigw.upstream.latency", t, () -> Timer.builder("aigw.upstream.latency").tags(t)
                                .serviceLevelObjectives(UPSTREAM_BUCKETS).register(registry));
                    });
                    lastTimer = new LastTimer(backend, k, timer);
                }
                timer.record(nanoTime.getAsLong() - attemptStart, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void firstChunk() {
            if (firstChunk < 0) {
                firstChunk = nanoTime.getAsLong();
                if (!done) {
                    activeStreams.incrementAndGet();
                    streamCounted = true;
                }
            }
        }

        /**
         * This exchange's GenAI meters: looked up again only if the response model changed them, and
         * then first in the last series any exchange used, by the identity of its label values
         * (config strings and {@link ModelLabels}' labels, the same instances request after request).
         */
        private GenAiMeters genAi() {
            LastGenAi mine = series;
            if (mine != null && mine.is(operation, route, backend, kind, requestModel, responseModel)) {
                return mine.meters();
            }
            LastGenAi last = lastGenAi;
            if (last == null || !last.is(operation, route, backend, kind, requestModel, responseModel)) {
                Series want = new Series(operation, route, backend, kind, requestModel, responseModel);
                last = new LastGenAi(operation, route, backend, kind, requestModel, responseModel,
                        genAi.computeIfAbsent(want, GenAiMeters::new));
                lastGenAi = last;
            }
            series = last;
            return last.meters();
        }

        @Override
        public void usage(Usage usage, String model, String finishReason, boolean estimated) {
            if (usage == null) {
                return;
            }
            if (model != null) {
                responseModel = models.responseLabel(model);
            }
            outputTokens = usage.output();
            GenAiMeters m = genAi();
            m.input().record(usage.input());
            m.output().record(usage.output());
            m.prompt().increment(usage.input());
            m.completion().increment(usage.output());
        }

        @Override
        public void caller(String principal, String team) {
            this.team = team == null ? "" : team;
        }

        @Override
        public void cost(double total, double input, double output, double cacheRead, double cacheWrite) {
            String m = responseModel.isEmpty() || responseModel.equals(ModelLabels.NONE) ? requestModel : responseModel;
            LastSpend last = lastSpend;
            Counter c;
            if (last != null && last.route() == route && last.model() == m && last.team() == team) {
                c = last.counter();
            } else {
                c = spend.computeIfAbsent(new SpendKey(route, m, team), k -> counter("aigw.spend.usd",
                        Tags.of("route", k.route(), "model", k.model(), "team", k.team()),
                        "Spend in US dollars under the model catalog, by route, model and team"));
                lastSpend = new LastSpend(route, m, team, c);
            }
            c.increment(total);
        }

        @Override
        public void rateLimited(long tokens) {
            counter("ai.rate.limited.tokens", Tags.of("llm", nz(kind), "model", requestModel), null).increment(tokens);
        }

        @Override
        public void finished(int status, boolean streamed, long bytesOut) {
            if (done) {
                return;
            }
            done = true;
            endAttempt();
            long now = nanoTime.getAsLong();
            activeRequests.decrementAndGet();
            if (streamCounted) {
                activeStreams.decrementAndGet();
            }
            LastRequests last = lastRequests;
            Counter c;
            if (last != null && last.route() == route && last.backend() == backend && last.status() == status) {
                c = last.counter();
            } else {
                c = requests.computeIfAbsent(new RequestKey(route, backend, status), k -> counter("aigw.requests",
                        Tags.of("route", k.route(), "backend", k.backend(), "status", Integer.toString(k.status())),
                        "Client requests, by route, backend and status"));
                lastRequests = new LastRequests(route, backend, status, c);
            }
            c.increment();
            if (!ai) {
                return;
            }
            GenAiMeters m = genAi();
            m.duration().record(seconds(now - start));
            if (streamed && firstChunk >= 0) {
                m.ttft().record(seconds(firstChunk - start));
                if (outputTokens > 1) {
                    m.tpot().record(seconds(now - firstChunk) / (outputTokens - 1));
                }
            }
        }

        private static double seconds(long nanos) {
            return nanos / 1e9;
        }
    }
}
