package dev.aigw.governance;

import dev.aigw.auth.AuthChain;
import dev.aigw.auth.Caller;
import dev.aigw.cel.CelValues;
import dev.aigw.limit.Admission;
import dev.aigw.limit.RouteLimits;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One route rule's compiled governance: authenticate, authorize, admit under the limits. A gate
 * whose policy could not be compiled (a missing Secret) refuses everything with 500 and says why,
 * so that a broken auth policy never leaves a route open.
 */
public final class RuleGate {
    private final AuthChain auth;
    private final RouteLimits limits;
    private final Optional<String> broken;
    private final boolean needsVars;

    RuleGate(AuthChain auth, RouteLimits limits, Optional<String> broken) {
        this.auth = auth;
        this.limits = limits;
        this.broken = broken;
        this.needsVars = !auth.authorization().isEmpty() || limits.needsVariables();
    }

    static RuleGate broken(String why) {
        return new RuleGate(AuthChain.NONE, RouteLimits.NONE, Optional.of(why));
    }

    public boolean authenticates() {
        return auth.authenticates();
    }

    public boolean limits() {
        return !limits.isEmpty();
    }

    /** What the gate decided. */
    public sealed interface Result {
        /**
         * Admitted. @param credentialHeaders headers whose validated credentials must not go upstream;
         * @param vars the CEL variables so far (for the after-response charge), or empty
         */
        record Pass(Caller caller, List<String> credentialHeaders, Admission admission, Map<String, Object> vars) implements Result {
        }

        /** Refused: status 401, 403, 429 or 500, the message, headers to add (WWW-Authenticate, x-ratelimit-*). */
        record Refuse(int status, String message, Map<String, String> headers, Caller caller) implements Result {
        }
    }

    public Future<Result> enter(RequestView req) {
        if (broken.isPresent()) return Future.succeededFuture(new Result.Refuse(500, broken.get(), Map.of(), Caller.ANONYMOUS));
        return auth.authenticate(req.header()).compose(r -> switch (r) {
            case AuthChain.Result.Refuse f -> Future.succeededFuture((Result) new Result.Refuse(f.status(), f.message(),
                    f.wwwAuthenticate() == null ? Map.of() : Map.of("www-authenticate", f.wwwAuthenticate()), Caller.ANONYMOUS));
            case AuthChain.Result.Pass p -> {
                Map<String, Object> vars = needsVars ? variables(req, p.caller()) : Map.of();
                if (!auth.authorization().isEmpty() && !auth.authorization().allows(vars)) {
                    yield Future.succeededFuture(new Result.Refuse(403, "authorization failed", Map.of(), p.caller()));
                }
                if (limits.isEmpty()) {
                    yield Future.succeededFuture(new Result.Pass(p.caller(), p.credentialHeaders(), Admission.NONE, vars));
                }
                yield limits.admit(vars).map(a -> a.allowed()
                        ? new Result.Pass(p.caller(), p.credentialHeaders(), a, vars)
                        : new Result.Refuse(a.status(), a.message(), a.headers(), p.caller()));
            }
        });
    }

    static Map<String, Object> variables(RequestView req, Caller caller) {
        Map<String, Object> vars = new HashMap<>(caller.celVariables());
        vars.put("request", req.celRequest());
        vars.put("source", Map.of("address", req.sourceAddress() == null ? "" : req.sourceAddress()));
        Map<String, Object> llm = new HashMap<>();
        if (req.requestModel() != null) llm.put("requestModel", req.requestModel());
        llm.put("streaming", req.streaming());
        vars.put("llm", llm);
        vars.put("response", Map.of());
        return CelValues.normalize(vars);
    }
}
