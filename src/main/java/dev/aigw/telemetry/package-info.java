/**
 * What the gateway reports about the traffic it serves: token usage, Prometheus metrics, a JSON
 * access log and OpenTelemetry traces.
 *
 * <p>The proxy reports each request through one {@link dev.aigw.telemetry.ExchangeObserver},
 * obtained from the gateway's {@link dev.aigw.telemetry.Telemetry} with
 * {@link dev.aigw.telemetry.Telemetry#begin}; the events come in the order a request lives
 * through them (routed, attempt started, response headers, first chunk, usage, finished), in
 * the style of OkHttp's {@code EventListener}. Observers are cheap, are called on the request's
 * event loop, and never throw: {@link dev.aigw.telemetry.Telemetry#composite} isolates each
 * sink, so a broken sink cannot fail a request. Sinks that read a request only once it ended
 * (the access log, the dashboard ring: {@link dev.aigw.telemetry.ExchangeRecord.Sink}) share one
 * {@link dev.aigw.telemetry.ExchangeRecord} per request, which keeps the facts and times once;
 * the sinks that follow a request live (metrics, tracing) hear each event behind it.
 *
 * <p>Sinks: {@link dev.aigw.telemetry.MetricsTelemetry} (Micrometer, Prometheus text with the
 * OpenTelemetry GenAI names and kgateway's), {@link dev.aigw.telemetry.AccessLogTelemetry} (one
 * JSON line per request on the {@code access} logger, written by
 * {@link dev.aigw.telemetry.AccessLogAppender}'s own thread, many lines per write; no prompt or completion text unless
 * {@code --log-prompts} asks for it (bounded), never
 * credentials), {@link dev.aigw.telemetry.TrafficRing} (the last hour in 5-second slots and the
 * last 500 access records, in memory, for the admin dashboard) and {@link dev.aigw.telemetry.TracingTelemetry} (a server span per request and a
 * client span per upstream attempt, W3C trace context in and out, OTLP export only when the
 * standard {@code OTEL_*} variables ask for it). Label values are bounded:
 * {@link dev.aigw.telemetry.ModelLabels} maps a model the configuration does not know to
 * {@code other}. {@link dev.aigw.telemetry.TokenEstimator} counts tokens when a provider reports
 * none.
 */
package dev.aigw.telemetry;
