/**
 * Pure translation between LLM wire formats: request, response, streamed response and error
 * bodies, as Jackson trees.
 *
 * <p>One {@link dev.aigw.translate.Translator} class per (client schema, backend schema) pair,
 * named client first (for example {@code OpenAiChatToAnthropicMessages}), created per request
 * through {@link dev.aigw.translate.Translators}. Streams go through the parser the backend's
 * {@link dev.aigw.translate.Schema#streamFraming()} makes ({@link dev.aigw.translate.SseParser}, or
 * {@link dev.aigw.translate.EventStreamParser} for Bedrock's AWS event stream), a per-request
 * {@link dev.aigw.translate.StreamTranslator} and {@link dev.aigw.translate.SseEvent#encode()}.
 * Token usage, model and finish reason come back as return values
 * ({@link dev.aigw.translate.Usage}), so metering never depends on side effects.
 *
 * <p>The OpenAI Responses API is a client codec on the canonical model
 * ({@link dev.aigw.translate.ResponsesClient}); OpenAI embeddings have a small translator family
 * of their own ({@link dev.aigw.translate.Embeddings}: Gemini, Vertex, Titan, Cohere).
 *
 * <p>Depends on Jackson only: no I/O, no Vert.x, no clocks or randomness except through
 * {@link dev.aigw.translate.RequestContext}, so every translation is reproducible in tests.
 */
package dev.aigw.translate;
