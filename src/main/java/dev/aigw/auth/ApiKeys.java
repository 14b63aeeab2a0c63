package dev.aigw.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code apiKeyAuthentication}: client keys, held as SHA-256 digests only.
 *
 * <p>Each Secret (or ConfigMap) entry is one key: the key as a plain string, or JSON
 * {@code {"key": "…", "metadata": {…}}} or {@code {"keyHash": "sha256:<hex>", "metadata": {…}}}.
 * ConfigMaps are not secret, so they may hold hashes only. A request's key is hashed and looked up;
 * the key itself is dropped as soon as it is hashed.
 */
public final class ApiKeys {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String NO_KEY = "api key authentication failure: no API Key found";
    static final String INVALID = "api key authentication failure: invalid credentials";

    /** One accepted key: its id and metadata (CEL {@code apiKey.*}). */
    public record Entry(String id, Map<String, Object> metadata) {
    }

    private final AuthMode mode;
    private final CredentialLocation location;
    private final Map<String, Entry> byDigest;

    public ApiKeys(AuthMode mode, CredentialLocation location, Map<String, Entry> byDigest) {
        this.mode = mode;
        this.location = location;
        this.byDigest = Map.copyOf(byDigest);
    }

    public AuthMode mode() {
        return mode;
    }

    public int size() {
        return byDigest.size();
    }

    public AuthOutcome authenticate(Function<String, String> headers) {
        String key = location.extract(headers);
        if (key == null) return AuthOutcome.denyOrPass(mode, false, location.header(), NO_KEY, null);
        Entry e = byDigest.get(digest(key));
        if (e == null) return AuthOutcome.denyOrPass(mode, true, location.header(), INVALID, null);
        return new AuthOutcome.Authenticated(new Caller(e.id(), e.metadata(), Map.of(), ""), location.header(), key);
    }

    /** Lower-case hex SHA-256 of the key's UTF-8 bytes. */
    public static String digest(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Collects entries and refuses duplicates, naming where each came from (never the key). */
    public static final class Builder {
        private final Map<String, Entry> byDigest = new HashMap<>();
        private final Map<String, String> origin = new HashMap<>();

        /**
         * Adds one entry. @param where e.g. {@code Secret ns/name key client3}; @param hashedOnly true
         * for ConfigMaps, whose entries must be {@code keyHash}
         *
         * @throws IllegalArgumentException saying what is wrong with the entry (never quoting it)
         */
        public Builder add(String where, String value, boolean hashedOnly) {
            String v = value.strip();
            String digest;
            Map<String, Object> metadata = Map.of();
            if (v.startsWith("{")) {
                JsonNode n;
                try {
                    n = JSON.readTree(v);
                } catch (IOException e) {
                    throw new IllegalArgumentException(where + ": starts with '{' but is not valid JSON (expected {\"key\"|\"keyHash\": ..., \"metadata\": {...}})");
                }
                boolean hasKey = n.hasNonNull("key"), hasHash = n.hasNonNull("keyHash");
                if (hasKey == hasHash) throw new IllegalArgumentException(where + ": needs exactly one of \"key\" and \"keyHash\"");
                if (hasKey) {
                    if (hashedOnly) throw new IllegalArgumentException(where + ": a ConfigMap may hold only \"keyHash\" entries, not keys");
                    if (!n.get("key").isTextual() || n.get("key").asText().isBlank()) throw new IllegalArgumentException(where + ": \"key\" must be a non-empty string");
                    digest = digest(n.get("key").asText().strip());
                } else {
                    String h = n.get("keyHash").asText("");
                    if (!h.matches("sha256:[0-9a-fA-F]{64}")) {
                        throw new IllegalArgumentException(where + ": \"keyHash\" must be sha256:<64 hex digits>");
                    }
                    digest = h.substring(7).toLowerCase(java.util.Locale.ROOT);
                }
                JsonNode md = n.get("metadata");
                if (md != null && !md.isNull()) {
                    if (!md.isObject()) throw new IllegalArgumentException(where + ": \"metadata\" must be an object");
                    metadata = toJava(md);
                }
            } else {
                if (hashedOnly) throw new IllegalArgumentException(where + ": a ConfigMap may hold only {\"keyHash\": \"sha256:...\"} entries, not keys");
                if (v.isEmpty()) throw new IllegalArgumentException(where + ": empty API key");
                digest = digest(v);
            }
            String id = metadata.get("name") instanceof String s && !s.isBlank() ? s : "sha256:" + digest.substring(0, 12);
            String before = origin.putIfAbsent(digest, where);
            if (before != null) throw new IllegalArgumentException(where + ": the same key as " + before);
            byDigest.put(digest, new Entry(id, metadata));
            return this;
        }

        public ApiKeys build(AuthMode mode, CredentialLocation location) {
            return new ApiKeys(mode, location, byDigest);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> toJava(JsonNode obj) {
        Map<String, Object> m = JSON.convertValue(obj, LinkedHashMap.class);
        return dev.aigw.cel.CelValues.normalize(m);
    }

}
