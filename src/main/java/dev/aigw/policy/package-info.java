/**
 * kgateway's {@code TrafficPolicy spec.ai} policies, compiled once per snapshot and applied per
 * request, in the client's own schema (OpenAI chat, Anthropic messages, Gemini generateContent).
 *
 * <p>{@link dev.aigw.policy.AiPolicy} is the merged, compiled policy of one route rule (built by
 * {@link dev.aigw.policy.PolicyCompiler}). {@link dev.aigw.policy.PolicyEngine} applies it:
 * {@code applyRequest} runs the request guards (webhook, then regex, then moderation), then
 * defaults, then prompt enrichment, and answers {@link dev.aigw.policy.PolicyOutcome.Continue}
 * with the body to forward or {@link dev.aigw.policy.PolicyOutcome.Reject}, which
 * {@link dev.aigw.policy.Rejections} renders as an error in the client's format.
 * {@link dev.aigw.policy.ResponseGuard} masks responses, whole or streamed; on a stream it holds
 * back only the characters a match might still need.
 *
 * <p>Pure parts ({@link dev.aigw.policy.Enrichment}, {@link dev.aigw.policy.Defaults},
 * {@link dev.aigw.policy.RegexGuard}, {@link dev.aigw.policy.BodyText}) do no I/O; the webhook and
 * moderation clients use a Vert.x HttpClient and return Futures.
 *
 * <p>Nothing here knows a wire format: where a body keeps its text, how a format adds turns or
 * says no is asked of {@link dev.aigw.translate.BodyFormat} by {@link dev.aigw.translate.Schema}.
 */
package dev.aigw.policy;
