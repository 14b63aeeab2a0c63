package dev.aigw.proxy;

/**
 * An upstream request that produced no response: why, in words safe to show a client (the
 * backend's name and address, never its credential), and the status to answer with.
 */
final class UpstreamFailure extends RuntimeException {
    enum Kind { CONNECT, DNS, TLS, RESET, TIMEOUT, CANCELLED, OTHER }

    private final Kind kind;

    UpstreamFailure(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }

    int status() {
        return kind == Kind.TIMEOUT ? 504 : 502;
    }

    String type() {
        return kind == Kind.TIMEOUT ? "gateway_timeout" : "bad_gateway";
    }

    /** The answer for the client: 504 for a timeout, else 502. */
    dev.aigw.proxy.stage.GatewayError toGatewayError() {
        return kind == Kind.TIMEOUT ? new dev.aigw.proxy.stage.GatewayError.Timeout(getMessage())
                : new dev.aigw.proxy.stage.GatewayError.BadGateway(getMessage());
    }

    /** Failures worth trying another provider for: the request never reached a model. */
    boolean retryable() {
        return kind != Kind.CANCELLED && kind != Kind.OTHER;
    }

    static UpstreamFailure classify(String where, Throwable cause) {
        if (cause instanceof UpstreamFailure f) return f;
        Throwable c = cause;
        while (c.getCause() != null && c.getCause() != c && !(c instanceof java.net.ConnectException)
                && !(c instanceof java.net.UnknownHostException) && !(c instanceof javax.net.ssl.SSLException)) {
            c = c.getCause();
        }
        String msg = String.valueOf(c.getMessage());
        if (c instanceof java.net.UnknownHostException) return new UpstreamFailure(Kind.DNS, where + ": host name could not be resolved");
        if (c instanceof io.netty.channel.ConnectTimeoutException || c instanceof java.util.concurrent.TimeoutException
                || msg.contains("timed out")) {
            return new UpstreamFailure(Kind.TIMEOUT, where + ": timed out");
        }
        if (c instanceof java.net.ConnectException) return new UpstreamFailure(Kind.CONNECT, where + ": connection refused or unreachable");
        if (c instanceof javax.net.ssl.SSLException) return new UpstreamFailure(Kind.TLS, where + ": TLS failed: " + msg);
        if (c instanceof io.vertx.core.http.StreamResetException || c instanceof java.nio.channels.ClosedChannelException
                || c instanceof io.vertx.core.VertxException && msg.contains("closed")
                // A pooled connection the provider's restart cut: the request never got an answer.
                || c instanceof java.io.IOException && msg.toLowerCase(java.util.Locale.ROOT).contains("connection reset")) {
            return new UpstreamFailure(Kind.RESET, where + ": connection closed before a response");
        }
        return new UpstreamFailure(Kind.OTHER, where + ": " + c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + msg));
    }
}
