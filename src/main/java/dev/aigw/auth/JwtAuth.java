package dev.aigw.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.aigw.cel.CelValues;
import io.vertx.core.Future;

import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code jwtAuthentication}: a bearer JWT, signed by a key of its issuer's JWKS, not expired,
 * for one of the configured audiences. The token's {@code iss} picks the provider.
 *
 * <p>Keys come inline or from a {@link JwksCache}; a kid the cached set lacks triggers one refresh.
 * Verification itself is CPU only; only a JWKS fetch waits, and that is bounded.
 */
public final class JwtAuth {
    static final String NO_TOKEN = "authentication failure: no bearer token found";
    private static final Duration LEEWAY = Duration.ofSeconds(30);

    /** Where a provider's keys come from. */
    public sealed interface Keys {
        record Inline(JWKSet set) implements Keys {
        }

        record Remote(JwksCache cache) implements Keys {
        }
    }

    public record Provider(String issuer, List<String> audiences, Keys keys) {
        public Provider {
            audiences = List.copyOf(audiences);
        }
    }

    private final AuthMode mode;
    private final CredentialLocation location;
    private final List<Provider> providers;
    private final Clock clock;

    public JwtAuth(AuthMode mode, CredentialLocation location, List<Provider> providers, Clock clock) {
        this.mode = mode;
        this.location = location;
        this.providers = List.copyOf(providers);
        this.clock = clock;
    }

    public AuthMode mode() {
        return mode;
    }

    public Future<AuthOutcome> authenticate(Function<String, String> headers) {
        String token = location.extract(headers);
        if (token == null) return Future.succeededFuture(AuthOutcome.denyOrPass(mode, false, location.header(), NO_TOKEN, null));
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return Future.succeededFuture(invalid("malformed token"));
        }
        Provider p = null;
        for (Provider c : providers) {
            if (c.issuer().equals(claims.getIssuer())) {
                p = c;
                break;
            }
        }
        if (p == null) return Future.succeededFuture(invalid("unknown issuer"));
        String claimsProblem = checkClaims(claims, p);
        if (claimsProblem != null) return Future.succeededFuture(invalid(claimsProblem));
        Provider provider = p;
        String kid = jwt.getHeader().getKeyID();
        return switch (p.keys()) {
            case Keys.Inline in -> Future.succeededFuture(verify(jwt, claims, in.set(), token));
            case Keys.Remote r -> r.cache().current()
                    .compose(set -> {
                        if (kid != null && set.getKeyByKeyId(kid) == null) {
                            return r.cache().refreshForUnknownKid().map(fresh -> verify(jwt, claims, fresh, token));
                        }
                        return Future.succeededFuture(verify(jwt, claims, set, token));
                    })
                    .recover(e -> Future.succeededFuture(invalid("the issuer's signing keys (JWKS) could not be fetched")));
        };
    }

    private String checkClaims(JWTClaimsSet c, Provider p) {
        Date now = Date.from(clock.instant());
        Date exp = c.getExpirationTime();
        if (exp != null && now.getTime() - LEEWAY.toMillis() >= exp.getTime()) return "token expired";
        Date nbf = c.getNotBeforeTime();
        if (nbf != null && now.getTime() + LEEWAY.toMillis() < nbf.getTime()) return "token not yet valid";
        if (!p.audiences().isEmpty()) {
            List<String> aud = c.getAudience();
            if (aud == null || aud.stream().noneMatch(p.audiences()::contains)) return "token audience not allowed";
        }
        return null;
    }

    private AuthOutcome verify(SignedJWT jwt, JWTClaimsSet claims, JWKSet set, String token) {
        JWSHeader h = jwt.getHeader();
        List<JWK> candidates = new ArrayList<>();
        if (h.getKeyID() != null) {
            JWK k = set.getKeyByKeyId(h.getKeyID());
            if (k != null) candidates.add(k);
        } else {
            candidates.addAll(set.getKeys());
        }
        if (candidates.isEmpty()) return invalid("no key in the issuer's JWKS matches the token's kid");
        for (JWK k : candidates) {
            try {
                Key key = switch (k) {
                    case RSAKey rsa -> rsa.toPublicKey();
                    case ECKey ec -> ec.toPublicKey();
                    case OctetSequenceKey oct -> oct.toSecretKey();
                    default -> null;
                };
                if (key == null || (k.getAlgorithm() != null && !k.getAlgorithm().equals(h.getAlgorithm()))) continue;
                JWSVerifier v = new DefaultJWSVerifierFactory().createJWSVerifier(h, key);
                if (jwt.verify(v)) {
                    Map<String, Object> cl = CelValues.normalize(claims.toJSONObject());
                    cl = new java.util.LinkedHashMap<>(cl);
                    // Dates as numbers of seconds, as in the token.
                    for (String d : new String[]{"exp", "nbf", "iat"}) {
                        if (claims.getClaim(d) instanceof Date date) cl.put(d, date.getTime() / 1000);
                    }
                    return new AuthOutcome.Authenticated(new Caller("", Map.of(), cl, ""), location.header(), token);
                }
            } catch (JOSEException | RuntimeException e) {
                // wrong key type for this algorithm: try the next candidate
            }
        }
        return invalid("signature does not verify");
    }

    private AuthOutcome invalid(String why) {
        return AuthOutcome.denyOrPass(mode, true, location.header(), "authentication failure: " + why, null);
    }
}
