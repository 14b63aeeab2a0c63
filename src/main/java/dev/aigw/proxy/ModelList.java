package dev.aigw.proxy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.provider.Provider;
import dev.aigw.route.CompiledRule;
import dev.aigw.route.Destination;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code GET …/models}, a handler of its own: the models the rules' AI backends serve, as OpenAI lists them. */
final class ModelList {
    private ModelList() {
    }

    static void answer(ClientResponse out, List<CompiledRule> rules) {
        ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.put("object", "list");
        var data = list.putArray("data");
        Set<String> seen = new LinkedHashSet<>();
        for (CompiledRule.Weighted w : rules.stream().flatMap(r -> r.destinations().stream()).toList()) {
            if (!(w.destination() instanceof Destination.Ai ai)) continue;
            for (List<Provider> group : ai.groups()) {
                for (Provider p : group) {
                    String id = p.model().orElse(null);
                    if (id == null || !seen.add(id)) continue;
                    data.addObject().put("id", id).put("object", "model").put("created", 0).put("owned_by", p.kind());
                }
            }
        }
        out.json(200, list);
    }
}
