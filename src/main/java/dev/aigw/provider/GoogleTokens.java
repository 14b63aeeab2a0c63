package dev.aigw.provider;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * OAuth2 access tokens for Google APIs (Vertex AI) from a service-account JSON key or from
 * Application Default Credentials, via google-auth-library. Minting a token is a blocking HTTP
 * call, so it never happens on an event loop: the first token is fetched when the config is
 * compiled, and a background thread refreshes it five minutes before it expires. Requests read
 * the cached token. One instance per distinct key, shared across config reloads.
 */
public final class GoogleTokens {
    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    private static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);
    private static final Map<String, GoogleTokens> BY_KEY = new ConcurrentHashMap<>();
    private static final ScheduledExecutorService REFRESHER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "google-token-refresh");
        t.setDaemon(true);
        return t;
    });

    private final String description;
    private final GoogleCredentials credentials;
    private volatile AccessToken token;
    private volatile String lastError;
    private long failureBackoffMs;

    private GoogleTokens(String description, GoogleCredentials credentials) {
        this.description = description;
        this.credentials = credentials;
    }

    /** From a service-account (or other) JSON key; blocking: call off the event loop. */
    public static GoogleTokens fromJson(String json) throws IOException {
        String key = "json:" + sha256(json);
        GoogleTokens existing = BY_KEY.get(key);
        if (existing != null) return existing;
        GoogleCredentials c = GoogleCredentials.fromStream(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)))
                .createScoped(SCOPE);
        return start(key, new GoogleTokens("the service-account key", c));
    }

    /** From Application Default Credentials; blocking: call off the event loop. */
    public static GoogleTokens applicationDefault() throws IOException {
        GoogleTokens existing = BY_KEY.get("adc");
        if (existing != null) return existing;
        return start("adc", new GoogleTokens("Application Default Credentials",
                GoogleCredentials.getApplicationDefault().createScoped(SCOPE)));
    }

    private static GoogleTokens start(String key, GoogleTokens t) throws IOException {
        t.refresh();
        GoogleTokens winner = BY_KEY.putIfAbsent(key, t);
        if (winner != null) return winner;
        t.schedule();
        return t;
    }

    private void refresh() throws IOException {
        credentials.refresh();
        token = credentials.getAccessToken();
        lastError = null;
    }

    private void schedule() {
        AccessToken t = token;
        long delay = t == null || t.getExpirationTime() == null ? Duration.ofMinutes(30).toMillis()
                : Math.max(1_000, t.getExpirationTime().getTime() - System.currentTimeMillis() - REFRESH_BEFORE.toMillis());
        // After a failed refresh (revoked key, network), retry with back-off rather than every second.
        if (failureBackoffMs > 0) delay = failureBackoffMs;
        REFRESHER.schedule(() -> {
            try {
                refresh();
                failureBackoffMs = 0;
            } catch (IOException | RuntimeException e) {
                lastError = e.getMessage();
                failureBackoffMs = failureBackoffMs == 0 ? 5_000 : Math.min(failureBackoffMs * 2, Duration.ofMinutes(10).toMillis());
            } finally {
                schedule();
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** The current access token; fails when there is none valid (refresh failing past expiry). */
    public String current() throws ProviderException {
        AccessToken t = token;
        if (t == null || t.getExpirationTime() != null && t.getExpirationTime().toInstant().isBefore(Instant.now())) {
            // The refresh error itself is logged, not shown: it can carry details of the key.
            if (lastError != null) org.slf4j.LoggerFactory.getLogger(GoogleTokens.class)
                    .warn("Google token refresh from {} failing: {}", description, lastError);
            throw new ProviderException(502, "gateway_error", "no valid Google access token from " + description
                    + " (the refresh is failing; see the gateway's log)");
        }
        return t.getTokenValue();
    }

    @Override
    public String toString() {
        return "GoogleTokens[" + description + "]";
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
