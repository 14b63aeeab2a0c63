package dev.aigw.telemetry;

import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;

/**
 * What is known of a request when it arrives.
 *
 * @param requestId     the x-request-id served back
 * @param startTime     wall-clock arrival, for the access log
 * @param startNanos    {@link System#nanoTime()} at arrival; every duration is measured from it
 * @param method        HTTP method
 * @param path          path without the query (a query may carry an API key)
 * @param clientAddress peer address, may be null
 * @param userAgent     may be null
 * @param header        the client's request headers by name (case-insensitive), for trace context
 */
public record RequestInfo(String requestId, Instant startTime, long startNanos, String method, String path,
                          String clientAddress, String userAgent, Function<String, String> header) {
    public RequestInfo {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        header = header == null ? h -> null : header;
    }
}
