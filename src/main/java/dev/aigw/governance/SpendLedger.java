package dev.aigw.governance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each caller spent and what its limits have left, for the admin API ({@code GET
 * /governance}): per key id (or JWT subject, or basic user) and per team. In memory, this
 * replica only (Redis holds the shared counters); bounded to {@link #MAX_CALLERS} callers, beyond
 * which new ones are folded into {@code other}.
 */
public final class SpendLedger {
    static final int MAX_CALLERS = 10_000;
    static final int MAX_MODELS = 32;
    private static final ObjectMapper JSON = new ObjectMapper();

    static final class Account {
        final String team;
        long requests, refused, inputTokens, outputTokens;
        BigDecimal usd = BigDecimal.ZERO;
        long limit = -1, remaining = -1;
        Instant resetAt;
        /** Spend per model, for the dashboard's top models; at most {@link #MAX_MODELS} names. */
        final Map<String, BigDecimal> models = new java.util.HashMap<>();

        Account(String team) {
            this.team = team;
        }
    }

    private final ConcurrentHashMap<String, Account> callers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Account> teams = new ConcurrentHashMap<>();

    private Account account(ConcurrentHashMap<String, Account> map, String id, String team) {
        String k = id.isEmpty() ? "anonymous" : id;
        Account a = map.get(k);
        if (a == null) {
            if (map.size() >= MAX_CALLERS) k = "other";
            a = map.computeIfAbsent(k, x -> new Account(team));
        }
        return a;
    }

    /** A request admitted or refused; {@code headers} the x-ratelimit-* it carried. */
    public void admitted(String principal, String team, boolean refused, Map<String, String> headers) {
        for (Account a : new Account[]{account(callers, principal, team), account(teams, team, team)}) {
            synchronized (a) {
                if (refused) a.refused++;
                else a.requests++;
                String l = headers.get("x-ratelimit-limit"), r = headers.get("x-ratelimit-remaining"), s = headers.get("x-ratelimit-reset");
                if (l != null && r != null) {
                    a.limit = Long.parseLong(l);
                    a.remaining = Long.parseLong(r);
                    a.resetAt = s == null ? null : Instant.now().plusSeconds(Long.parseLong(s));
                }
            }
        }
    }

    public void spent(String principal, String team, long in, long out, BigDecimal usd) {
        spent(principal, team, null, in, out, usd);
    }

    /** What one response cost; {@code model} (may be null) feeds the per-key top models. */
    public void spent(String principal, String team, String model, long in, long out, BigDecimal usd) {
        for (Account a : new Account[]{account(callers, principal, team), account(teams, team, team)}) {
            synchronized (a) {
                a.inputTokens += in;
                a.outputTokens += out;
                a.usd = a.usd.add(usd);
                if (model != null && !model.isEmpty()) {
                    String m = a.models.containsKey(model) || a.models.size() < MAX_MODELS ? model : "other";
                    a.models.merge(m, usd, BigDecimal::add);
                }
            }
        }
    }

    /**
     * The dashboard's view ({@code /api/spend}, docs/dashboard.md): keys and teams with their
     * spend, the last limit each saw, and a key's top three models by spend. Budgets are limits
     * like any other here, so {@code budget}/{@code remaining} stay null and the limit is in
     * {@code limits}.
     */
    public ObjectNode dashboard() {
        ObjectNode root = JSON.createObjectNode();
        root.put("configured", true).put("currency", "USD");
        var keys = root.putArray("keys");
        callers.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Account a = e.getValue();
            ObjectNode k = keys.addObject();
            synchronized (a) {
                k.put("id", e.getKey()).put("team", a.team).put("spend", a.usd.doubleValue()).putNull("budget").putNull("remaining")
                        .put("requests", a.requests).put("refused", a.refused);
                var limits = k.putArray("limits");
                if (a.limit >= 0) {
                    limits.add(a.remaining + " of " + a.limit + " left" + (a.resetAt == null ? "" : ", resets " + a.resetAt));
                }
                var top = k.putArray("topModels");
                a.models.entrySet().stream().sorted(Map.Entry.<String, BigDecimal>comparingByValue().reversed()).limit(3)
                        .forEach(m -> top.addObject().put("model", m.getKey()).put("spend", m.getValue().doubleValue()));
            }
        });
        var teamsOut = root.putArray("teams");
        teams.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Account a = e.getValue();
            synchronized (a) {
                teamsOut.addObject().put("id", e.getKey()).put("spend", a.usd.doubleValue()).putNull("budget").putNull("remaining");
            }
        });
        return root;
    }

    /** The JSON of {@code GET /governance}. */
    public String json(Map<String, Object> extra) {
        ObjectNode root = JSON.createObjectNode();
        root.put("replicaLocal", true);
        fill(root.putObject("callers"), callers, true);
        fill(root.putObject("teams"), teams, false);
        root.set("limiters", JSON.valueToTree(extra));
        return root.toPrettyString() + "\n";
    }

    private static void fill(ObjectNode out, Map<String, Account> map, boolean withTeam) {
        map.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            Account a = e.getValue();
            ObjectNode n = out.putObject(e.getKey().isEmpty() ? "none" : e.getKey());
            synchronized (a) {
                if (withTeam) n.put("team", a.team);
                n.put("requests", a.requests).put("refused", a.refused).put("inputTokens", a.inputTokens)
                        .put("outputTokens", a.outputTokens).put("spendUsd", a.usd.stripTrailingZeros().toPlainString());
                if (a.limit >= 0) {
                    ObjectNode l = n.putObject("lastLimit");
                    l.put("limit", a.limit).put("remaining", a.remaining);
                    if (a.resetAt != null) l.put("resetAt", a.resetAt.toString());
                }
            }
        });
    }
}
