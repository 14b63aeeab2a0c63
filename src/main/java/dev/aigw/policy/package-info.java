/**
 * kgateway's {@code TrafficPolicy spec.ai} policies, compiled once per snapshot and applied per
 * request, in the client's own schema (OpenAI chat, Anthropic messages, Gemini generateContent).
 *
 * <p>{@link dev.aigw.policy.AiPolicy} is the merged, compiled policy of one route rule (built by
 * {@link dev.aigw.policy.PolicyCompiler}). {@link dev.aigw.policy.PolicyEngine} applies it:
 * {@code applyRequest} runs the request guards (webhook, then regex, then moderation, then the
 * cloud guards: {@link dev.aigw.policy.BedrockGuardrail}, {@link dev.aigw.policy.ModelArmorGuard}), then
 * defaults, then prompt enrichment, and answers {@link dev.aigw.policy.PolicyOutcome.Continue}
 * with the body to forward or {@link dev.aigw.policy.PolicyOutcome.Reject}, which
 * {@link dev.aigw.policy.Rejections} renders as an error in the client's format.
 * {@link dev.aigw.policy.ResponseGuard} masks responses, whole or streamed; on a stream it holds
 * back only the characters a match might still need.
 *
 * <p>Pure parts ({@link dev.aigw.policy.Enrichment}, {@link dev.aigw.policy.Defaults},
 * {@link dev.aigw.policy.RegexGuard}, {@link dev.aigw.policy.BodyText}) do no I/O; the webhook,
 * moderation and cloud guards call out through {@link dev.aigw.policy.GuardCalls} (the gateway's
 * upstream clients, bounded in time and size) and return Futures; their credentials (AWS keys,
 * Google tokens) are resolved when the config is compiled ({@link dev.aigw.policy.CloudGuards}).
 *
 * <p>Nothing here knows a wire format: where a body keeps its text, how a format adds turns or
 * says no is asked of {@link dev.aigw.translate.BodyFormat} by {@link dev.aigw.translate.Schema}.
 */
package dev.aigw.policy;
