package dev.aigw.config.agentgateway;

import dev.aigw.config.Problem;
import dev.aigw.config.RawResource;
import dev.aigw.config.YamlResources;
import org.junit.jupiter.api.Test;

import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code targetSelectors}: each selector is evaluated once per snapshot, its picks both the targets and the warnings. */
class TargetSelectionTest {

    /** The snapshot's resources, counting how often a selector walks them. */
    static final class Counted extends AbstractCollection<RawResource> {
        final List<RawResource> all;
        int walks;

        Counted(List<RawResource> all) {
            this.all = all;
        }

        @Override
        public Iterator<RawResource> iterator() {
            walks++;
            return all.iterator();
        }

        @Override
        public int size() {
            return all.size();
        }
    }

    @Test
    void eachSelectorIsEvaluatedOnceAndPicksByLabel() {
        YamlResources.Result y = YamlResources.parse("p.yaml", """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: a, namespace: ns, labels: {team: x, tier: gold}}
                spec: {}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: b, namespace: ns, labels: {team: x}}
                spec: {}
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: p, namespace: ns}
                spec:
                  targetSelectors:
                  - {group: gateway.networking.k8s.io, kind: HTTPRoute, matchLabels: {team: x}}
                  - {group: gateway.networking.k8s.io, kind: HTTPRoute, matchLabels: {tier: gold}}
                  - {group: gateway.networking.k8s.io, kind: HTTPRoute, matchLabels: {team: y}}
                  traffic: {timeouts: {request: 5s}}
                """);
        Counted all = new Counted(y.resources());
        List<Problem> problems = new ArrayList<>();
        PolicyValidation.Parsed p = PolicyValidation.parse(y.resources().get(2), problems, (ns, ref) -> java.util.Optional.empty(), all);
        assertThat(p).isNotNull();
        assertThat(p.policy().targets()).extracting(Refs.TargetRef::name).containsExactly("a", "b");
        assertThat(problems).map(Problem::toString).containsExactly("p.yaml:18: warning: AgentgatewayPolicy ns/p: "
                + "spec.targetSelectors[2]: selects no HTTPRoute in namespace ns (matchLabels {team=y}); the policy applies "
                + "there once one carries the labels");
        assertThat(all.walks).as("one walk per selector").isEqualTo(3);
    }

    @Test
    void labelsAreReadOneWayForEveryKind() {
        RawResource r = YamlResources.parse("n.yaml", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: ns, labels: {b: "2", a: x, n: 3}}
                """).resources().getFirst();
        assertThat(r.labels()).containsExactly(java.util.Map.entry("b", "2"), java.util.Map.entry("a", "x"),
                java.util.Map.entry("n", "3"));
    }
}
