package dev.aigw.telemetry;

import dev.aigw.translate.Usage;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenTelemetry traces: a SERVER span per client request ({@code POST <route>}) and a CLIENT span
 * per upstream attempt ({@code chat <model>}) carrying the GenAI attributes
 * ({@code gen_ai.operation.name}, {@code gen_ai.system}, {@code gen_ai.request.model},
 * {@code gen_ai.response.model}, {@code gen_ai.usage.input_tokens}, {@code gen_ai.usage.output_tokens},
 * {@code gen_ai.response.finish_reasons}). The client's W3C {@code traceparent} is the parent of the
 * request span; the attempt span is passed upstream through {@link ExchangeObserver#upstreamHeaders()}.
 * No span is made current: nothing here touches thread-locals of the event loop.
 *
 * <p>{@link #fromEnvironment} turns tracing on only when the standard variables ask for it.
 */
public final class TracingTelemetry implements Telemetry, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TracingTelemetry.class);
    static final String SCOPE = "dev.aigw";

    static final AttributeKey<String> CALLER = AttributeKey.stringKey("aigw.caller");
    static final AttributeKey<String> TEAM = AttributeKey.stringKey("aigw.team");
    static final AttributeKey<Double> COST_USD = AttributeKey.doubleKey("aigw.cost.usd");
    static final AttributeKey<String> GEN_AI_OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> GEN_AI_SYSTEM = AttributeKey.stringKey("gen_ai.system");
    static final AttributeKey<String> GEN_AI_REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> GEN_AI_RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<Long> GEN_AI_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> GEN_AI_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<List<String>> GEN_AI_FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<Long> CACHE_READ_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
    static final AttributeKey<Long> CACHE_WRITE_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_creation.input_tokens");
    static final AttributeKey<Boolean> USAGE_ESTIMATED = AttributeKey.booleanKey("aigw.usage.estimated");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private static final TextMapGetter<Function<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Function<String, String> carrier) {
            return List.of();
        }

        @Override
        public String get(Function<String, String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final OpenTelemetrySdk owned;

    /** Traces through {@code otel} (its tracer provider and propagators); the caller owns it. */
    public TracingTelemetry(OpenTelemetry otel) {
        this(otel, null);
    }

    private TracingTelemetry(OpenTelemetry otel, OpenTelemetrySdk owned) {
        this.tracer = otel.getTracer(SCOPE);
        this.propagator = otel.getPropagators().getTextMapPropagator();
        this.owned = owned;
    }

    /**
     * Tracing when {@code OTEL_EXPORTER_OTLP_ENDPOINT}, {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}
     * or {@code OTEL_TRACES_EXPORTER} (other than {@code none}) is set and {@code OTEL_SDK_DISABLED}
     * is not true; empty otherwise, and when the SDK cannot be configured (logged). The SDK is
     * configured by the standard {@code OTEL_*} variables and {@code otel.*} system properties, with
     * these defaults: service name {@code ai-gateway}, OTLP over HTTP/protobuf (sent with the JDK's
     * HTTP client), no metric or log export.
     */
    public static Optional<TracingTelemetry> fromEnvironment(Function<String, String> env) {
        if (!enabled(env)) {
            return Optional.empty();
        }
        return fromProperties(Map.of());
    }

    static boolean enabled(Function<String, String> env) {
        if ("true".equalsIgnoreCase(env.apply("OTEL_SDK_DISABLED"))) {
            return false;
        }
        String exporter = env.apply("OTEL_TRACES_EXPORTER");
        if (exporter != null && !exporter.isBlank()) {
            return !exporter.strip().equals("none");
        }
        return notBlank(env.apply("OTEL_EXPORTER_OTLP_ENDPOINT")) || notBlank(env.apply("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    /** Autoconfigured SDK with {@code properties} as lowest-priority settings (tests; OTEL_* still win). */
    static Optional<TracingTelemetry> fromProperties(Map<String, String> properties) {
        Map<String, String> defaults = new HashMap<>();
        defaults.put("otel.service.name", "ai-gateway");
        defaults.put("otel.metrics.exporter", "none");
        defaults.put("otel.logs.exporter", "none");
        defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
        defaults.putAll(properties);
        try {
            OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> defaults)
                    .disableShutdownHook()
                    .build()
                    .getOpenTelemetrySdk();
            log.info("tracing on: OpenTelemetry spans exported as the OTEL_* settings say");
            return Optional.of(new TracingTelemetry(sdk, sdk));
        } catch (RuntimeException e) {
            log.error("tracing off: the OpenTelemetry settings cannot be used: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** Flushes and shuts down the SDK this instance created (not one passed in). */
    @Override
    public void close() {
        if (owned != null) {
            owned.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public ExchangeObserver begin(RequestInfo info) {
        Context parent = propagator.extract(Context.root(), info.header(), GETTER);
        Span span = tracer.spanBuilder(info.method())
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(info.startTime())
                .setAttribute("http.request.method", info.method())
                .setAttribute("url.path", info.path())
                .setAttribute("aigw.request_id", info.requestId())
                .startSpan();
        if (info.clientAddress() != null) {
            span.setAttribute("client.address", info.clientAddress());
        }
        if (info.userAgent() != null) {
            span.setAttribute("user_agent.original", info.userAgent());
        }
        return new Spans(info, span);
    }

    private final class Spans implements ExchangeObserver {
        private final RequestInfo info;
        private final Span request;
        private Span attempt;
        private String system;
        private boolean done;

        Spans(RequestInfo info, Span request) {
            this.info = info;
            this.request = request;
        }

        @Override
        public void routed(String route, String backend) {
            request.updateName(info.method() + " " + route);
            request.setAttribute("http.route", route);
            request.setAttribute("aigw.backend", backend);
        }

        @Override
        public void attemptStarted(String providerKind, String providerName, String requestedModel, String upstreamHost) {
            endAttempt();
            system = MetricsTelemetry.genAiSystem(providerKind);
            boolean ai = providerKind != null;
            String operation = MetricsTelemetry.operation(info.path());
            var b = tracer.spanBuilder(ai ? operation + (requestedModel == null ? "" : " " + requestedModel)
                            : info.method())
                    .setParent(Context.root().with(request))
                    .setSpanKind(SpanKind.CLIENT);
            if (ai) {
                b.setAttribute(GEN_AI_OPERATION, operation).setAttribute(GEN_AI_SYSTEM, system);
                if (requestedModel != null) {
                    b.setAttribute(GEN_AI_REQUEST_MODEL, requestedModel);
                }
                if (providerName != null) {
                    b.setAttribute("aigw.provider.name", providerName);
                }
            }
            if (upstreamHost != null) {
                int colon = upstreamHost.lastIndexOf(':');
                if (colon > 0) {
                    b.setAttribute("server.address", upstreamHost.substring(0, colon));
                    try {
                        b.setAttribute("server.port", Long.parseLong(upstreamHost.substring(colon + 1)));
                    } catch (NumberFormatException e) {
                        // not a port: keep the address only
                    }
                } else {
                    b.setAttribute("server.address", upstreamHost);
                }
            }
            attempt = b.startSpan();
            if (ai) {
                request.setAttribute(GEN_AI_SYSTEM, system);
                if (requestedModel != null) {
                    request.setAttribute(GEN_AI_REQUEST_MODEL, requestedModel);
                }
            }
        }

        @Override
        public Map<String, String> upstreamHeaders() {
            Map<String, String> h = new HashMap<>(4);
            propagator.inject(Context.root().with(attempt != null ? attempt : request), h, Map::put);
            return h;
        }

        @Override
        public void attemptFailed(String reason, int status) {
            if (attempt == null) {
                return;
            }
            if (status > 0) {
                attempt.setAttribute(HTTP_STATUS, status);
            }
            attempt.setAttribute(ERROR_TYPE, status > 0 ? Integer.toString(status) : "transport");
            attempt.setStatus(StatusCode.ERROR, reason);
            endAttempt();
        }

        @Override
        public void responseHeaders(int status) {
            if (attempt != null) {
                attempt.setAttribute(HTTP_STATUS, status);
                if (status >= 400) {
                    attempt.setAttribute(ERROR_TYPE, Integer.toString(status));
                    attempt.setStatus(StatusCode.ERROR);
                }
            }
        }

        @Override
        public void firstChunk() {
            request.addEvent("first_chunk");
        }

        @Override
        public void usage(Usage usage, String responseModel, String finishReason, boolean estimated) {
            for (Span s : attempt == null ? List.of(request) : List.of(attempt, request)) {
                if (responseModel != null) {
                    s.setAttribute(GEN_AI_RESPONSE_MODEL, responseModel);
                }
                if (usage != null) {
                    s.setAttribute(GEN_AI_INPUT_TOKENS, usage.input());
                    s.setAttribute(GEN_AI_OUTPUT_TOKENS, usage.output());
                    if (usage.cacheRead() > 0) {
                        s.setAttribute(CACHE_READ_TOKENS, usage.cacheRead());
                    }
                    if (usage.cacheWrite() > 0) {
                        s.setAttribute(CACHE_WRITE_TOKENS, usage.cacheWrite());
                    }
                }
                if (finishReason != null) {
                    s.setAttribute(GEN_AI_FINISH_REASONS, List.of(finishReason));
                }
                if (estimated) {
                    s.setAttribute(USAGE_ESTIMATED, true);
                }
            }
        }

        @Override
        public void caller(String principal, String team) {
            request.setAttribute(CALLER, principal);
            if (team != null && !team.isEmpty()) request.setAttribute(TEAM, team);
        }

        @Override
        public void cost(double total, double input, double output, double cacheRead, double cacheWrite) {
            request.setAttribute(COST_USD, total);
        }

        @Override
        public void finished(int status, boolean streamed, long bytesOut) {
            if (done) {
                return;
            }
            done = true;
            endAttempt();
            request.setAttribute(HTTP_STATUS, status);
            request.setAttribute("aigw.streamed", streamed);
            if (status >= 500) {
                request.setAttribute(ERROR_TYPE, Integer.toString(status));
                request.setStatus(StatusCode.ERROR);
            }
            request.end();
        }

        private void endAttempt() {
            if (attempt != null) {
                attempt.end();
                attempt = null;
            }
        }
    }
}
