/**
 * One class per LLM provider: where its API lives (host, port, TLS), the path a request is
 * rewritten to, where the model goes, and how the credential is injected. Providers are built
 * from {@code config} records at compile time and are immutable; they never do I/O except
 * {@link dev.aigw.provider.MockProvider}, which answers by itself. Every config value that goes
 * into an upstream URL passes {@link dev.aigw.provider.UrlParts} (checked when the provider is
 * built, percent-encoded per segment when the path is made). {@link dev.aigw.provider.ApiPassthrough}
 * addresses the rest of a provider's API (files, batches, ...) for requests passed through as they are.
 *
 * <p>May depend on {@code config} and Jackson; not on Vert.x or the proxy.
 */
package dev.aigw.provider;
