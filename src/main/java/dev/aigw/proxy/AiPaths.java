package dev.aigw.proxy;

import dev.aigw.config.AiRoutes;
import dev.aigw.config.HttpRouteResource;
import dev.aigw.config.AiRoutes.RouteType;
import dev.aigw.proxy.stage.GatewayError;
import dev.aigw.route.Destination;
import dev.aigw.route.RouteMatch;
import dev.aigw.translate.Schema;
import io.vertx.core.http.HttpServerRequest;

import java.util.Optional;

/**
 * The front door of an AI route: which {@link ClientFormat} a request has, from the Backend's
 * {@code routes} (agentgateway's path suffix → route type) when it has them, else from the
 * path's own suffix; and the 404 for a path the route does not serve, in the client's format.
 */
final class AiPaths {
    private AiPaths() {
    }

    /**
     * The path the Backend sees: for an AgentgatewayBackend, the client's path after the rule's
     * URLRewrite (agentgateway matches {@code routes} and keeps the client's path after the
     * HTTPRoute's filters); for a kgateway Backend, the client's path (the provider decides).
     */
    static String path(Exchange ex, Destination.Ai ai) {
        return path(ex.req(), ex.match(), ai);
    }

    static String path(HttpServerRequest req, RouteMatch m, Destination.Ai ai) {
        String path = FrontDoor.path(req);
        if (ai.agentgateway().isEmpty()) return path;
        for (HttpRouteResource.Filter f : m.rule().filters()) {
            if (f instanceof HttpRouteResource.UrlRewrite rw && rw.path().isPresent()) {
                String r = StaticForward.rewritePath(req, m, rw);
                int q = r.indexOf('?');
                return q < 0 ? r : r.substring(0, q);
            }
        }
        return path;
    }

    static ClientFormat format(Destination.Ai ai, String method, String path) {
        AiRoutes routes = ai.routes();
        if (!routes.configured()) return ClientFormat.detect(method, path);
        Optional<RouteType> type = routes.resolve(path);
        if (type.isEmpty()) {
            return new ClientFormat.Unserved(method + " " + path + " matches none of the paths Backend " + ai.name()
                    + " serves: " + String.join(", ", routes.suffixes()));
        }
        ClientFormat detected = ClientFormat.detect(method, path);
        return switch (type.get()) {
            case Completions -> new ClientFormat.Api(Schema.OPENAI_CHAT);
            case Messages -> new ClientFormat.Api(Schema.ANTHROPIC_MESSAGES);
            case Responses -> detected instanceof ClientFormat.ResponsesInputTokens ? detected
                    : new ClientFormat.Api(Schema.OPENAI_RESPONSES);
            case Embeddings -> new ClientFormat.Api(Schema.OPENAI_EMBEDDINGS);
            case GenerateContent -> new ClientFormat.Api(Schema.GEMINI_GENERATE);
            case Models -> new ClientFormat.ModelList();
            case AnthropicTokenCount -> new ClientFormat.CountTokens();
            case Passthrough -> new ClientFormat.Passthrough(false);
            case Detect, GeminiCountTokens, Rerank -> new ClientFormat.Passthrough(true);
            case Realtime -> new ClientFormat.Unserved(path + " is a Realtime (WebSocket) route, which the gateway "
                    + "does not serve; Backend " + ai.name() + " serves: " + String.join(", ", routes.suffixes()));
        };
    }

    /** 404 for an unserved path, in the client's API's error shape (guessed from its headers: it sent no known API). */
    static void notServed(Exchange ex, ClientFormat.Unserved u) {
        HttpServerRequest req = ex.req();
        Schema shape = req.getHeader("anthropic-version") != null || req.getHeader("x-api-key") != null
                ? Schema.ANTHROPIC_MESSAGES
                : req.getHeader("x-goog-api-key") != null || req.getHeader("x-goog-api-client") != null
                ? Schema.GEMINI_GENERATE : Schema.OPENAI_CHAT;
        ex.out().schema(shape);
        ex.out().fail(new GatewayError.NotFound("not_found", "route " + ex.rule().id() + ": " + u.reason()));
    }
}
