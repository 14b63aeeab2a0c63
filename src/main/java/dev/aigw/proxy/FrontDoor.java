package dev.aigw.proxy;

import dev.aigw.proxy.stage.GatewayError;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

import java.util.List;
import java.util.Locale;

/**
 * What every request passes before it is matched: framing and Host checks that a proxy must not
 * guess at, and the one normalised path that routing and upstreams see.
 *
 * <ul>
 *   <li>Two {@code Host} headers: 400 (RFC 9112 §3.2; either one could be the one a route checks).</li>
 *   <li>A {@code Transfer-Encoding} other than exactly {@code chunked} ({@code chunked, identity},
 *       {@code gzip, chunked}, …): 400 and the connection closes, as the body's framing is unknown
 *       (RFC 9112 §6.1: the gateway decodes no other coding).</li>
 *   <li>The path is normalised as Envoy's {@code normalize_path} and {@code merge_slashes} do:
 *       percent-encoded unreserved characters decoded (so {@code %2e} is a dot), other escapes
 *       upper-cased, {@code //} merged and dot segments removed (RFC 3986 §5.2.4; a {@code ..}
 *       never climbs above the root). {@code %2F} stays encoded. Absolute-form request targets
 *       ({@code GET http://host/x}) are reduced to their path: upstreams always get origin-form.</li>
 * </ul>
 */
final class FrontDoor {
    private FrontDoor() {
    }

    /** False when the request was refused (and answered). */
    static boolean admit(ClientResponse out, HttpServerRequest req) {
        List<String> hosts = req.headers().getAll(Headers.HOST);
        if (hosts.size() > 1) {
            refuse(out, req, new GatewayError.BadRequest("the request has " + hosts.size()
                    + " Host headers; send exactly one"));
            return false;
        }
        List<String> te = req.headers().getAll(Headers.TRANSFER_ENCODING);
        if (!te.isEmpty()) {
            String joined = String.join(", ", te);
            String[] codings = joined.split(",");
            if (codings.length != 1 || !codings[0].strip().equalsIgnoreCase("chunked")) {
                refuse(out, req, new GatewayError.BadRequest("Transfer-Encoding: " + joined + " is not supported; send "
                        + "the body with Content-Length, or with Transfer-Encoding: chunked alone"));
                return false;
            }
        }
        return true;
    }

    /**
     * Answers and closes the connection (HTTP/1.x): after a refused body the bytes still on the
     * wire are not a request, and a client that declared 9 EB must not be read on.
     */
    static void refuse(ClientResponse out, HttpServerRequest req, GatewayError error) {
        boolean http1 = req.version() != HttpVersion.HTTP_2;
        if (http1) out.headers().set("connection", "close");
        out.fail(error);
        if (http1) {
            // Queued after the answer: Vert.x flushes what was written before it closes.
            req.connection().close();
        }
    }

    /** The normalised path of {@code req} (see the class comment). */
    static String path(HttpServerRequest req) {
        return normalize(req.path());
    }

    /** The request target to send upstream: the normalised path and the query as the client sent it. */
    static String originForm(HttpServerRequest req) {
        String q = req.query();
        return path(req) + (q == null ? "" : "?" + q);
    }

    static String normalize(String raw) {
        if (raw == null || raw.isEmpty()) return "/";
        if (raw.charAt(0) != '/') return raw;
        return alreadyNormal(raw) ? raw : rebuild(raw);
    }

    /** {@link #normalize} the long way, for any path starting with a slash. */
    static String rebuild(String raw) {
        String decoded = decodeUnreserved(raw);
        StringBuilder out = new StringBuilder(decoded.length());
        // Segments between slashes; empty ones (from //) are merged away.
        String[] segs = decoded.split("/", -1);
        java.util.ArrayDeque<String> stack = new java.util.ArrayDeque<>();
        boolean trailing = false;
        for (int i = 1; i < segs.length; i++) {
            String s = segs[i];
            boolean last = i == segs.length - 1;
            switch (s) {
                case "", "." -> trailing = last;
                case ".." -> {
                    if (!stack.isEmpty()) stack.removeLast();
                    trailing = last;
                }
                default -> {
                    stack.addLast(s);
                    trailing = false;
                }
            }
        }
        for (String s : stack) out.append('/').append(s);
        if (trailing || out.isEmpty()) out.append('/');
        return out.toString();
    }

    /**
     * True when {@code raw} has nothing {@link #normalize} would change: no escape, no empty
     * segment and no segment starting with a dot (a path like {@code /.well-known} takes the slow
     * way, which keeps it). Most paths, so most requests skip the split and the rebuild.
     */
    private static boolean alreadyNormal(String raw) {
        int n = raw.length();
        for (int i = 0; i < n; i++) {
            char c = raw.charAt(i);
            if (c == '%') return false;
            if (c == '/' && i + 1 < n) {
                char next = raw.charAt(i + 1);
                if (next == '/' || next == '.') return false;
            }
        }
        return true;
    }

    private static String decodeUnreserved(String s) {
        if (s.indexOf('%') < 0) return s;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                char d = (char) (hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                if (Character.isLetterOrDigit(d) && d < 128 || d == '-' || d == '.' || d == '_' || d == '~') {
                    b.append(d);
                } else {
                    b.append('%').append(s.substring(i + 1, i + 3).toUpperCase(Locale.ROOT));
                }
                i += 2;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
}
