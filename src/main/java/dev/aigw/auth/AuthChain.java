package dev.aigw.auth;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A route's authenticators in agentgateway's order (JWT, basic, API key), then its authorization
 * rules. The result names the caller and the headers whose credentials must not reach the
 * upstream; or the refusal.
 */
public final class AuthChain {
    public static final AuthChain NONE = new AuthChain(Optional.empty(), Optional.empty(), Optional.empty(), new Authorization(List.of()));

    private final Optional<JwtAuth> jwt;
    private final Optional<BasicAuth> basic;
    private final Optional<ApiKeys> apiKeys;
    private final Authorization authorization;

    public AuthChain(Optional<JwtAuth> jwt, Optional<BasicAuth> basic, Optional<ApiKeys> apiKeys, Authorization authorization) {
        this.jwt = jwt;
        this.basic = basic;
        this.apiKeys = apiKeys;
        this.authorization = authorization;
    }

    public boolean isEmpty() {
        return jwt.isEmpty() && basic.isEmpty() && apiKeys.isEmpty() && authorization.isEmpty();
    }

    public boolean authenticates() {
        return jwt.isPresent() || basic.isPresent() || apiKeys.isPresent();
    }

    public Authorization authorization() {
        return authorization;
    }

    /** What authentication found. */
    public sealed interface Result {
        /** @param credentialHeaders lower-case names of headers holding validated credentials; @param credentials their values (for passthrough) */
        record Pass(Caller caller, List<String> credentialHeaders, List<String> credentials) implements Result {
        }

        record Refuse(int status, String message, String wwwAuthenticate) implements Result {
        }
    }

    public Future<Result> authenticate(Function<String, String> headers) {
        Future<Result> f = Future.succeededFuture(new Result.Pass(Caller.ANONYMOUS, List.of(), List.of()));
        if (jwt.isPresent()) f = f.compose(r -> jwt.get().authenticate(headers).map(o -> fold(r, o)));
        if (basic.isPresent()) f = f.compose(r -> Future.succeededFuture(fold(r, basic.get().authenticate(headers))));
        if (apiKeys.isPresent()) f = f.compose(r -> Future.succeededFuture(fold(r, apiKeys.get().authenticate(headers))));
        return f;
    }

    private static Result fold(Result sofar, AuthOutcome o) {
        if (!(sofar instanceof Result.Pass p)) return sofar;
        return switch (o) {
            case AuthOutcome.Denied d -> new Result.Refuse(d.status(), d.message(), d.wwwAuthenticate());
            case AuthOutcome.Anonymous a -> p;
            case AuthOutcome.Authenticated a -> {
                List<String> h = new ArrayList<>(p.credentialHeaders());
                List<String> c = new ArrayList<>(p.credentials());
                h.add(a.header());
                c.add(a.credential());
                yield new Result.Pass(p.caller().with(a.caller()), List.copyOf(h), List.copyOf(c));
            }
        };
    }
}
