package dev.aigw.governance;

import java.util.Map;
import java.util.Optional;

/**
 * One snapshot's compiled governance: the gate of each (Gateway, HTTPRoute, rule index). Empty
 * without AgentgatewayPolicy traffic governance, so requests then pay one emptiness check.
 */
public final class Governance {
    public static final Governance EMPTY = new Governance(0, Map.of());

    private final long generation;
    private final Map<String, RuleGate> gates;

    Governance(long generation, Map<String, RuleGate> gates) {
        this.generation = generation;
        this.gates = Map.copyOf(gates);
    }

    public long generation() {
        return generation;
    }

    public boolean isEmpty() {
        return gates.isEmpty();
    }

    public int size() {
        return gates.size();
    }

    static String key(String gatewayRef, String routeRef, int ruleIndex) {
        return gatewayRef + "|" + routeRef + "|" + ruleIndex;
    }

    /** @param gatewayRef {@code ns/name}; @param routeRef the HTTPRoute's {@code ns/name} */
    public Optional<RuleGate> gate(String gatewayRef, String routeRef, int ruleIndex) {
        if (gates.isEmpty()) return Optional.empty();
        return Optional.ofNullable(gates.get(key(gatewayRef, routeRef, ruleIndex)));
    }
}
