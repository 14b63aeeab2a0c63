/**
 * The data path: Vert.x HTTP listeners ({@link dev.aigw.proxy.GatewayServer}), the per-request
 * handler that matches a route and dispatches ({@link dev.aigw.proxy.ProxyHandler}), the AI
 * pipeline whose stages {@link dev.aigw.proxy.AiExchange} lists in order (body, request stages,
 * attempt loop, response stages), static forwarding, the pooled upstream clients ({@link
 * dev.aigw.proxy.Upstreams}), header hygiene, and the one writer of each client response ({@link
 * dev.aigw.proxy.ClientResponse}), which renders every gateway error in the client's format.
 * Hostile clients meet {@link dev.aigw.proxy.ClientGuard} (connection limits, slowloris timeouts,
 * as Netty handlers) and {@link dev.aigw.proxy.FrontDoor} (framing and Host checks, the normalised
 * path every stage uses). The front door of an AI route: {@link dev.aigw.proxy.AiPaths} (which API a path is, from the
 * Backend's {@code routes} or the path's suffix), {@link dev.aigw.proxy.TranslatorChoice} (the
 * upstream format per attempt: Responses passthrough or translation, embedding dialects), and
 * {@link dev.aigw.proxy.ProviderPassthrough} (the providers' other endpoints, streamed).
 * Runs on event loops: nothing here blocks.
 *
 * <p>May depend on {@code route}, {@code provider}, {@code translate}, {@code policy},
 * {@code telemetry}, {@code config} and Vert.x; nothing depends on it but {@code cli}. Its
 * subpackages: {@code proxy.stage} (the request-stage contract, which other packages may
 * implement) and {@code proxy.resilience} (failover decisions, no I/O).
 */
package dev.aigw.proxy;
