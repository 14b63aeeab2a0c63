package dev.aigw.admin;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who may use the dashboard's API. On a loopback admin address with no token configured:
 * anyone who can reach it (the listener's default). Otherwise the admin token is required,
 * either as {@code Authorization: Bearer <token>} (scripts) or through a session cookie that
 * {@code POST /api/login} sets after the token was typed in: the cookie holds a random session
 * id, never the token, and is {@code HttpOnly} and {@code SameSite=Strict}. Bound elsewhere
 * without a token, the API refuses everything and says how to configure one.
 */
final class DashboardAuth {
    static final String COOKIE = "aigw_session";
    private static final long SESSION_MILLIS = 12 * 60 * 60 * 1000L;
    private static final int MAX_SESSIONS = 1000;
    private static final int MAX_FAILURES_PER_MINUTE = 10;

    private final Optional<byte[]> token;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Long> sessions = new ConcurrentHashMap<>();
    private final AtomicLong failureWindow = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean loopback = true;
    private volatile String address = "127.0.0.1";

    DashboardAuth(Optional<String> token) {
        this.token = token.filter(t -> !t.isBlank()).map(t -> t.strip().getBytes(StandardCharsets.UTF_8));
    }

    /** The admin listener's address; decides whether a token is needed. Called once, before serving. */
    void boundTo(String address) {
        this.address = address;
        this.loopback = isLoopback(address);
    }

    static boolean isLoopback(String address) {
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        if (a.equalsIgnoreCase("localhost")) return true;
        try {
            // A literal address is not looked up; a name is resolved once, at start.
            return InetAddress.getByName(a).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    boolean required() {
        return token.isPresent() || !loopback;
    }

    /** Bound beyond loopback with no token: the API is closed. */
    boolean misconfigured() {
        return !loopback && token.isEmpty();
    }

    String misconfiguredMessage() {
        return "the admin listener is bound to " + address + ", not loopback, and no admin token is configured: "
                + "the dashboard API stays closed. Start with --admin-token-file PATH (for example a mounted Secret) "
                + "or set AIGW_ADMIN_TOKEN, or bind the admin listener to 127.0.0.1";
    }

    boolean authenticated(HttpServerRequest req) {
        if (!required()) return true;
        if (token.isEmpty()) return false;
        String h = req.getHeader("authorization");
        if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) return matches(h.substring(7).strip());
        Cookie c = req.getCookie(COOKIE);
        if (c == null) return false;
        Long until = sessions.get(c.getValue());
        if (until == null) return false;
        if (until < System.currentTimeMillis()) {
            sessions.remove(c.getValue());
            return false;
        }
        return true;
    }

    /** Too many wrong tokens in the current minute: logins are refused until it ends. */
    boolean throttled() {
        long minute = System.currentTimeMillis() / 60_000;
        if (failureWindow.getAndSet(minute) != minute) failures.set(0);
        return failures.get() >= MAX_FAILURES_PER_MINUTE;
    }

    /** Checks a typed-in token; on success returns the cookie of a new session. */
    Optional<Cookie> login(String candidate) {
        if (token.isEmpty() || candidate == null || !matches(candidate.strip())) {
            failures.incrementAndGet();
            return Optional.empty();
        }
        long now = System.currentTimeMillis();
        sessions.values().removeIf(until -> until < now);
        if (sessions.size() >= MAX_SESSIONS) sessions.clear(); // bounded; everyone logs in again
        byte[] id = new byte[32];
        random.nextBytes(id);
        String sid = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        sessions.put(sid, now + SESSION_MILLIS);
        return Optional.of(Cookie.cookie(COOKIE, sid).setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
                .setPath("/").setMaxAge(SESSION_MILLIS / 1000));
    }

    Cookie logout(HttpServerRequest req) {
        Cookie c = req.getCookie(COOKIE);
        if (c != null) sessions.remove(c.getValue());
        return Cookie.cookie(COOKIE, "").setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setPath("/").setMaxAge(0);
    }

    private boolean matches(String candidate) {
        return token.isPresent() && MessageDigest.isEqual(token.get(), candidate.getBytes(StandardCharsets.UTF_8));
    }
}
