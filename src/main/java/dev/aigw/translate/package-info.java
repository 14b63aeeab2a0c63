/**
 * Pure translation between LLM wire formats: request, response, streamed response and error
 * bodies, as Jackson trees, through one canonical model ({@link dev.aigw.translate.canonical}).
 *
 * <p>Per format one codec per side: a {@link dev.aigw.translate.ClientCodec} (decode request,
 * encode response, stream and error) and a {@link dev.aigw.translate.ProviderCodec} (encode
 * request with warnings, decode response, stream and error, capabilities), named for the format
 * ({@code OpenAiChatClient}, {@code BedrockConverseProvider}). {@link dev.aigw.translate.Translators}
 * makes the per-request {@link dev.aigw.translate.Translator}: {@link dev.aigw.translate.Identity}
 * for the same format on both sides (raw passthrough), otherwise the two codecs composed. Streams
 * go through the parser the backend's {@link dev.aigw.translate.Schema#streamFraming()} makes
 * ({@link dev.aigw.translate.SseParser}, or {@link dev.aigw.translate.EventStreamParser} for
 * Bedrock's AWS event stream), a per-request {@link dev.aigw.translate.StreamTranslator} and
 * {@link dev.aigw.translate.SseEvent#encode()} (or {@link dev.aigw.translate.EventStreamWriter}, back
 * into AWS event-stream messages, for a Converse client whose stream a guard changed); an SSE stream the relay need not hold is read from the
 * provider's bytes instead ({@link dev.aigw.translate.SseSplitter} blocks, read in place by an
 * {@link dev.aigw.translate.SseBytesTranslator}: the identity stream relays them, a composed one
 * writes its client events as bytes). Token usage, model and finish reason come back as
 * return values ({@link dev.aigw.translate.Usage}), so metering never depends on side effects.
 * {@link dev.aigw.translate.BodyFormat} is what other packages (policies) may know of a format's
 * bodies: text slots, stream text, enrichment, rejections.
 *
 * <p>The OpenAI Responses API is a client codec on the canonical model
 * ({@link dev.aigw.translate.ResponsesClient}); OpenAI embeddings have a small translator family
 * of their own ({@link dev.aigw.translate.Embeddings}: Gemini, Vertex, Titan, Cohere).
 *
 * <p>Depends on Jackson and the JDK only (plus AWS's event-stream frame codec for Bedrock
 * streams): no I/O, no Vert.x, no clocks or randomness except through
 * {@link dev.aigw.translate.RequestContext}, so every translation is reproducible in tests. No
 * package outside this one may depend on a format's classes ({@code OpenAi*}, {@code Anthropic*},
 * {@code Gemini*}, {@code Bedrock*}).
 */
package dev.aigw.translate;
