package dev.aigw.auth;

import org.apache.commons.codec.digest.Md5Crypt;
import org.apache.commons.codec.digest.Sha2Crypt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code basicAuthentication}: users in htpasswd lines ({@code user:hash}). Hashes:
 * {@code $apr1$} (htpasswd's default, MD5-APR), {@code $5$}/{@code $6$} (SHA-crypt) and
 * {@code {SHA}} (SHA-1, base64). Plain-text and bcrypt lines are refused at config time, so a
 * user that cannot log in is a config error rather than a surprise.
 */
public final class BasicAuth {
    private final AuthMode mode;
    private final String realm;
    private final Map<String, String> hashes;
    /**
     * Per user, the SHA-256 of the password last verified against its crypt hash: the crypt
     * functions take milliseconds on the event loop ($6$: 5,000 rounds), so a valid caller pays
     * them once, not per request. Bounded by the configured users.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, String> verified = new java.util.concurrent.ConcurrentHashMap<>();
    /** Longer passwords are refused unhashed: crypt's cost grows with the input. */
    static final int MAX_PASSWORD_BYTES = 1024;

    private BasicAuth(AuthMode mode, String realm, Map<String, String> hashes) {
        this.mode = mode;
        this.realm = realm;
        this.hashes = Map.copyOf(hashes);
    }

    /** @throws IllegalArgumentException naming the line (by number and user) that is wrong */
    public static BasicAuth of(AuthMode mode, String realm, List<String> lines, String where) {
        Map<String, String> h = new HashMap<>();
        int n = 0;
        for (String raw : lines) {
            for (String line : raw.split("\\R")) {
                n++;
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) continue;
                int colon = l.indexOf(':');
                if (colon <= 0) throw new IllegalArgumentException(where + " line " + n + ": expected user:hash (htpasswd format)");
                String user = l.substring(0, colon), hash = l.substring(colon + 1);
                if (!(hash.startsWith("$apr1$") || hash.startsWith("$5$") || hash.startsWith("$6$") || hash.startsWith("{SHA}"))) {
                    throw new IllegalArgumentException(where + " line " + n + " (user " + user + "): unsupported hash; use htpasswd -m ($apr1$), -s ({SHA}) or SHA-crypt ($5$/$6$)");
                }
                if (h.put(user, hash) != null) throw new IllegalArgumentException(where + " line " + n + ": user " + user + " appears twice");
            }
        }
        return new BasicAuth(mode, realm == null || realm.isEmpty() ? "Restricted" : realm, h);
    }

    public AuthOutcome authenticate(Function<String, String> headers) {
        String challenge = "Basic realm=\"" + realm.replace("\"", "") + "\"";
        String v = headers.apply("authorization");
        if (v == null || !v.regionMatches(true, 0, "Basic ", 0, 6)) {
            return AuthOutcome.denyOrPass(mode, false, "authorization", "authentication failure: no basic credentials found", challenge);
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(v.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return AuthOutcome.denyOrPass(mode, true, "authorization", "authentication failure: malformed basic credentials", challenge);
        }
        int colon = decoded.indexOf(':');
        String user = colon < 0 ? decoded : decoded.substring(0, colon);
        String pass = colon < 0 ? "" : decoded.substring(colon + 1);
        String hash = hashes.get(user);
        if (hash == null || pass.length() > MAX_PASSWORD_BYTES || !verifiedOrMatches(user, pass, hash)) {
            return AuthOutcome.denyOrPass(mode, true, "authorization", "authentication failure: invalid credentials", challenge);
        }
        return new AuthOutcome.Authenticated(new Caller("", Map.of(), Map.of(), user), "authorization", v);
    }

    private boolean verifiedOrMatches(String user, String pass, String hash) {
        String digest = sha256(pass);
        String known = verified.get(user);
        if (known != null && MessageDigest.isEqual(known.getBytes(StandardCharsets.US_ASCII), digest.getBytes(StandardCharsets.US_ASCII))) {
            return true;
        }
        if (!matches(pass, hash)) return false;
        verified.put(user, digest);
        return true;
    }

    private static String sha256(String s) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean matches(String pass, String hash) {
        String computed;
        if (hash.startsWith("$apr1$")) computed = Md5Crypt.apr1Crypt(pass.getBytes(StandardCharsets.UTF_8), hash);
        else if (hash.startsWith("$5$")) computed = Sha2Crypt.sha256Crypt(pass.getBytes(StandardCharsets.UTF_8), hash);
        else if (hash.startsWith("$6$")) computed = Sha2Crypt.sha512Crypt(pass.getBytes(StandardCharsets.UTF_8), hash);
        else {
            try {
                computed = "{SHA}" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(pass.getBytes(StandardCharsets.UTF_8)));
            } catch (java.security.NoSuchAlgorithmException e) {
                return false;
            }
        }
        return MessageDigest.isEqual(computed.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8));
    }
}
