package dev.aigw.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.aigw.translate.Usage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TracingTelemetryTest {
    private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN = "00f067aa0ba902b7";
    private static final String TRACEPARENT = "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01";

    private static RequestInfo info(Map<String, String> headers) {
        return new RequestInfo("req-1", Instant.now(), System.nanoTime(), "POST", "/v1/chat/completions",
                "127.0.0.1", "test", headers::get);
    }

    private static void exchange(TracingTelemetry t, Map<String, String> upstream) {
        ExchangeObserver o = t.begin(info(Map.of("traceparent", TRACEPARENT)));
        o.routed("default/openai#0", "openai");
        o.attemptStarted("openai", "primary", "gpt-4o", "api.openai.com:443");
        o.attemptFailed("HTTP 429", 429);
        o.attemptStarted("openai", "secondary", "gpt-4o", "api2.openai.com:443");
        upstream.putAll(o.upstreamHeaders());
        o.responseHeaders(200);
        o.firstChunk();
        o.usage(Usage.of(19, 10, 0, 0, 0), "gpt-4o-2024-08-06", "stop", false);
        o.finished(200, true, 100);
    }

    @Test
    void spansPerRequestAndAttemptWithGenAiAttributesAndW3cPropagation() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (SdkTracerProvider tp = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
            OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(tp)
                    .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
            Map<String, String> upstream = new java.util.HashMap<>();
            exchange(new TracingTelemetry(otel), upstream);

            List<SpanData> spans = exporter.getFinishedSpanItems();
            assertThat(spans).hasSize(3);
            SpanData server = spans.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
            List<SpanData> attempts = spans.stream().filter(s -> s.getKind() == SpanKind.CLIENT).toList();
            assertThat(server.getTraceId()).isEqualTo(CLIENT_TRACE);
            assertThat(server.getParentSpanId()).isEqualTo(CLIENT_SPAN);
            assertThat(server.getName()).isEqualTo("POST default/openai#0");
            assertThat(server.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200);
            assertThat(attempts).hasSize(2).allSatisfy(a -> {
                assertThat(a.getTraceId()).isEqualTo(CLIENT_TRACE);
                assertThat(a.getParentSpanId()).isEqualTo(server.getSpanId());
                assertThat(a.getName()).isEqualTo("chat gpt-4o");
                assertThat(a.getAttributes().get(TracingTelemetry.GEN_AI_SYSTEM)).isEqualTo("openai");
                assertThat(a.getAttributes().get(TracingTelemetry.GEN_AI_REQUEST_MODEL)).isEqualTo("gpt-4o");
            });
            SpanData failed = attempts.getFirst();
            SpanData ok = attempts.get(1);
            assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(failed.getAttributes().get(TracingTelemetry.ERROR_TYPE)).isEqualTo("429");
            assertThat(ok.getAttributes().get(TracingTelemetry.GEN_AI_RESPONSE_MODEL)).isEqualTo("gpt-4o-2024-08-06");
            assertThat(ok.getAttributes().get(TracingTelemetry.GEN_AI_INPUT_TOKENS)).isEqualTo(19);
            assertThat(ok.getAttributes().get(TracingTelemetry.GEN_AI_OUTPUT_TOKENS)).isEqualTo(10);
            assertThat(ok.getAttributes().get(TracingTelemetry.GEN_AI_FINISH_REASONS)).containsExactly("stop");
            assertThat(ok.getAttributes().get(AttributeKey.stringKey("server.address"))).isEqualTo("api2.openai.com");
            assertThat(server.getAttributes().get(TracingTelemetry.GEN_AI_OUTPUT_TOKENS)).isEqualTo(10);
            // The upstream request carries the trace, with the successful attempt as parent.
            assertThat(upstream.get("traceparent")).isEqualTo("00-" + CLIENT_TRACE + "-" + ok.getSpanId() + "-01");
        }
    }

    @Test
    void withoutClientTraceparentANewTraceStarts() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (SdkTracerProvider tp = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
            OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(tp)
                    .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
            ExchangeObserver o = new TracingTelemetry(otel).begin(info(Map.of()));
            o.finished(404, false, 10);
            SpanData s = exporter.getFinishedSpanItems().getFirst();
            assertThat(s.getParentSpanContext().isValid()).isFalse();
            assertThat(s.getTraceId()).isNotEqualTo(CLIENT_TRACE);
        }
    }

    @Test
    void offUnlessTheStandardVariablesAskForIt() {
        assertThat(TracingTelemetry.enabled(Map.<String, String>of()::get)).isFalse();
        assertThat(TracingTelemetry.enabled(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")::get)).isTrue();
        assertThat(TracingTelemetry.enabled(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/v1/traces")::get)).isTrue();
        assertThat(TracingTelemetry.enabled(Map.of("OTEL_TRACES_EXPORTER", "otlp")::get)).isTrue();
        assertThat(TracingTelemetry.enabled(Map.of("OTEL_TRACES_EXPORTER", "none",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")::get)).isFalse();
        assertThat(TracingTelemetry.enabled(Map.of("OTEL_SDK_DISABLED", "true",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")::get)).isFalse();
        assertThat(TracingTelemetry.fromEnvironment(Map.<String, String>of()::get)).isEmpty();
    }

    /** The autoconfigured SDK exports over OTLP/HTTP with the JDK sender to an in-process receiver. */
    @Test
    void exportsOverOtlpToAnInProcessReceiver() throws Exception {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        List<byte[]> bodies = new CopyOnWriteArrayList<>();
        List<String> types = new CopyOnWriteArrayList<>();
        receiver.createContext("/v1/traces", ex -> {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            ex.getRequestBody().transferTo(b);
            bodies.add(b.toByteArray());
            types.add(ex.getRequestHeaders().getFirst("content-type"));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        try {
            TracingTelemetry t = TracingTelemetry.fromProperties(Map.of(
                    "otel.exporter.otlp.endpoint", "http://127.0.0.1:" + receiver.getAddress().getPort(),
                    "otel.traces.exporter", "otlp", "otel.propagators", "tracecontext")).orElseThrow();
            exchange(t, new java.util.HashMap<>());
            t.close(); // flushes
            assertThat(bodies).isNotEmpty();
            assertThat(types.getFirst()).isEqualTo("application/x-protobuf");
            byte[] all = concat(bodies);
            String text = new String(all, StandardCharsets.ISO_8859_1);
            assertThat(text).contains(new String(HexFormat.of().parseHex(CLIENT_TRACE), StandardCharsets.ISO_8859_1));
            assertThat(text).contains(new String(HexFormat.of().parseHex(CLIENT_SPAN), StandardCharsets.ISO_8859_1));
            assertThat(text).contains("gen_ai.request.model", "gen_ai.usage.output_tokens", "ai-gateway");
        } finally {
            receiver.stop(0);
        }
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
