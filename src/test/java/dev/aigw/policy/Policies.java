package dev.aigw.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.config.TrafficPolicyResource;
import dev.aigw.config.TrafficPolicyResource.Action;
import dev.aigw.config.TrafficPolicyResource.Builtin;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Test helpers: JSON bodies and compiled guards. */
final class Policies {
    static final ObjectMapper JSON = new ObjectMapper();

    private Policies() {
    }

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static JsonNode tree(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static RegexGuard guard(Action action, List<Builtin> builtins, String... custom) {
        List<TrafficPolicyResource.RegexMatch> ms = new java.util.ArrayList<>();
        for (String c : custom) {
            String[] nameAndPattern = c.split("=", 2);
            ms.add(nameAndPattern.length == 2
                    ? new TrafficPolicyResource.RegexMatch(Pattern.compile(nameAndPattern[1]), Optional.of(nameAndPattern[0]))
                    : new TrafficPolicyResource.RegexMatch(Pattern.compile(c), Optional.empty()));
        }
        return RegexGuard.compile(new TrafficPolicyResource.Regex(ms, builtins, action));
    }

    static RegexGuard allBuiltins() {
        return guard(Action.MASK, List.of(Builtin.values()));
    }
}
