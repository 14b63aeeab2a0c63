package dev.aigw.proxy.stage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.route.CompiledRule;
import dev.aigw.route.Destination;
import dev.aigw.telemetry.ExchangeObserver;
import dev.aigw.translate.Schema;
import dev.aigw.translate.Usage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What a request-scope stage sees of one AI exchange: the client's request (method, path,
 * headers, query), the parsed JSON body (null for a request without one; stages may rewrite it
 * in place), the client's API format (empty for a client in no known format), the matched rule
 * and the AI backend. {@link #onUsage} lets a stage (a token limit) learn what the exchange spent.
 */
public final class RequestScope {
    private final String requestId;
    private final String method;
    private final String path;
    private final Function<String, String> headers;
    private final Map<String, List<String>> query;
    private final CompiledRule rule;
    private final Destination.Ai backend;
    private final Optional<Schema> clientSchema;
    private final RequestBody body;
    private final ExchangeObserver observer;
    private final List<Consumer<Usage>> usageListeners = new ArrayList<>(0);

    public RequestScope(String requestId, String method, String path, Function<String, String> headers,
                        Map<String, List<String>> query, CompiledRule rule, Destination.Ai backend,
                        Optional<Schema> clientSchema, ObjectNode body, ExchangeObserver observer) {
        this(requestId, method, path, headers, query, rule, backend, clientSchema,
                body == null ? null : RequestBody.of(body), observer);
    }

    /** {@code body}: null when the request had none; its tree is parsed when a stage first asks for it. */
    public RequestScope(String requestId, String method, String path, Function<String, String> headers,
                        Map<String, List<String>> query, CompiledRule rule, Destination.Ai backend,
                        Optional<Schema> clientSchema, RequestBody body, ExchangeObserver observer) {
        this.requestId = requestId;
        this.method = method;
        this.path = path;
        this.headers = headers;
        this.query = query;
        this.rule = rule;
        this.backend = backend;
        this.clientSchema = clientSchema;
        this.body = body;
        this.observer = observer;
    }

    public String requestId() {
        return requestId;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** A request header by name (case-insensitive), or null. */
    public String header(String name) {
        return headers.apply(name);
    }

    public Function<String, String> headers() {
        return headers;
    }

    public Map<String, List<String>> query() {
        return query;
    }

    public CompiledRule rule() {
        return rule;
    }

    public Destination.Ai backend() {
        return backend;
    }

    public Optional<Schema> clientSchema() {
        return clientSchema;
    }

    /** The parsed body (parsed now if no stage asked before), or null when the request had none. */
    public ObjectNode body() {
        return body == null ? null : body.tree();
    }

    /** The body without parsing it into a tree (see {@link RequestBody}), or null when the request had none. */
    public RequestBody requestBody() {
        return body;
    }

    public ExchangeObserver observer() {
        return observer;
    }

    /** Runs {@code listener} once with the exchange's usage when it is known (never for a refused request). */
    public void onUsage(Consumer<Usage> listener) {
        usageListeners.add(listener);
    }

    /** Called by the pipeline's accounting stage. */
    public void usageKnown(Usage usage) {
        for (Consumer<Usage> l : usageListeners) l.accept(usage);
    }
}
