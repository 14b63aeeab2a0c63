package dev.aigw.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The resilience knobs: HTTPRoute {@code retry}, and the load-balancing and keep-alive annotations. */
class ResilienceConfigTest {
    private ResourceParser parser;

    private ResourceParser.Parsed parse(String yaml) {
        YamlResources.Result y = YamlResources.parse("t.yaml", yaml);
        assertThat(y.problems()).as("YAML problems").filteredOn(Problem::isError).isEmpty();
        parser = new ResourceParser(Map.<String, String>of()::get);
        return parser.parse(y.resources());
    }

    private List<Problem> errors() {
        return parser.problems().stream().filter(Problem::isError).toList();
    }

    private static String route(String annotations, String rule) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: r
                  namespace: ai
                %s
                spec:
                  parentRefs: [{name: gw}]
                  rules:
                %s""".formatted(annotations.indent(2).stripTrailing(), rule.indent(2).stripTrailing()) + "\n";
    }

    private static String backend(String annotations) {
        return """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata:
                  name: b
                  namespace: ai
                %s
                spec:
                  type: AI
                  ai:
                    llm:
                      provider:
                        mock: {}
                """.formatted(annotations.indent(2).stripTrailing());
    }

    @Test
    void retryIsParsed() {
        ResourceParser.Parsed p = parse(route("", """
                - retry:
                    codes: [429, 500, 503]
                    attempts: 2
                    backoff: 100ms
                """));
        assertThat(parser.problems()).isEmpty();
        HttpRouteResource.Rule rule = p.routes().getFirst().rules().getFirst();
        assertThat(rule.retry()).contains(new HttpRouteResource.Retry(List.of(429, 500, 503), Optional.of(2),
                Optional.of(Duration.ofMillis(100))));
        assertThat(p.routes().getFirst().streamKeepAlive()).isEmpty();
    }

    @Test
    void emptyRetryMeansTheGatewaysDefaultsAndNoRetryMeansEmpty() {
        ResourceParser.Parsed p = parse(route("", """
                - retry: {}
                - name: plain
                """));
        assertThat(parser.problems()).isEmpty();
        assertThat(p.routes().getFirst().rules().get(0).retry())
                .contains(new HttpRouteResource.Retry(List.of(), Optional.empty(), Optional.empty()));
        assertThat(p.routes().getFirst().rules().get(1).retry()).isEmpty();
    }

    @Test
    void badRetryFieldsNameTheirLines() {
        ResourceParser.Parsed p = parse(route("", """
                - retry:
                    codes: [429, 200, 429, abc]
                    attempts: -1
                    backoff: soon
                    perTryTimeout: 1s
                """));
        assertThat(p.routes()).isEmpty();
        List<Problem> e = errors();
        assertThat(e).extracting(Problem::message).containsExactlyInAnyOrder(
                "rule 0 retry.perTryTimeout is not a retry field (expected codes, attempts, backoff)",
                "rule 0 retry.codes: 200 is not an HTTP status from 400 to 599",
                "rule 0 retry.codes: 429 is listed twice",
                "rule 0 retry.codes: abc is not an HTTP status from 400 to 599",
                "rule 0 retry.attempts: -1 is not a number of retries from 0 to 10",
                "backoff soon is not a duration (expected e.g. 30s, 1m, 500ms)");
        assertThat(e).allSatisfy(pr -> assertThat(pr.resource()).isEqualTo("HTTPRoute ai/r"));
        Map<String, Integer> lines = new java.util.HashMap<>();
        for (Problem pr : e) lines.put(pr.message(), pr.location().line());
        assertThat(lines.get("rule 0 retry.codes: 200 is not an HTTP status from 400 to 599")).isEqualTo(11);
        assertThat(lines.get("rule 0 retry.attempts: -1 is not a number of retries from 0 to 10")).isEqualTo(12);
        assertThat(lines.get("backoff soon is not a duration (expected e.g. 30s, 1m, 500ms)")).isEqualTo(13);
        assertThat(lines.get("rule 0 retry.perTryTimeout is not a retry field (expected codes, attempts, backoff)"))
                .isEqualTo(14);
    }

    @Test
    void retryMustBeAMappingAndCodesAList() {
        parse(route("", """
                - retry: 3
                - retry: {codes: 429}
                """));
        assertThat(errors()).extracting(Problem::message).containsExactly(
                "rule 0 retry must be a mapping with codes, attempts and/or backoff",
                "rule 1 retry.codes must be a list of HTTP status codes (e.g. [429, 500, 503])");
    }

    @Test
    void streamKeepAliveAnnotation() {
        ResourceParser.Parsed p = parse(route("""
                annotations:
                  ai.gateway.dev/stream-keepalive: 15s
                """, "- name: x\n"));
        assertThat(parser.problems()).isEmpty();
        assertThat(p.routes().getFirst().streamKeepAlive()).contains(Duration.ofSeconds(15));
    }

    @Test
    void badStreamKeepAliveIsAnErrorOnItsLine() {
        parse(route("""
                annotations:
                  ai.gateway.dev/stream-keepalive: often
                """, "- name: x\n"));
        assertThat(errors()).singleElement().satisfies(e -> {
            assertThat(e.message()).isEqualTo("ai.gateway.dev/stream-keepalive often is not a duration (expected e.g. 30s, 1m, 500ms)");
            assertThat(e.location()).isEqualTo(new Location("t.yaml", 7));
        });
        parse(route("""
                annotations:
                  ai.gateway.dev/stream-keepalive: 0s
                """, "- name: x\n"));
        assertThat(errors()).singleElement().satisfies(e -> assertThat(e.message()).contains("must be longer than 0"));
    }

    @Test
    void unknownGatewayAnnotationWarnsOthersAreIgnored() {
        ResourceParser.Parsed p = parse(route("""
                annotations:
                  ai.gateway.dev/stream-keepalve: 15s
                  example.com/other: x
                """, "- name: x\n"));
        assertThat(p.routes()).hasSize(1);
        assertThat(parser.problems()).singleElement().satisfies(w -> {
            assertThat(w.severity()).isEqualTo(Problem.Severity.WARNING);
            assertThat(w.message()).startsWith("annotation ai.gateway.dev/stream-keepalve is not one this gateway reads");
            assertThat(w.location().line()).isEqualTo(7);
        });
    }

    @Test
    void loadBalancingAnnotation() {
        ResourceParser.Parsed p = parse(backend("""
                annotations:
                  ai.gateway.dev/load-balancing: least-latency
                """));
        assertThat(parser.problems()).isEmpty();
        assertThat(((BackendResource.Ai) p.backends().getFirst().spec()).balancing())
                .isEqualTo(BackendResource.LoadBalancing.LEAST_LATENCY);

        p = parse(backend(""));
        assertThat(((BackendResource.Ai) p.backends().getFirst().spec()).balancing())
                .isEqualTo(BackendResource.LoadBalancing.ROUND_ROBIN);
    }

    @Test
    void badLoadBalancingIsAnErrorOnItsLine() {
        ResourceParser.Parsed p = parse(backend("""
                annotations:
                  ai.gateway.dev/load-balancing: random
                """));
        assertThat(p.backends()).isEmpty();
        assertThat(errors()).singleElement().satisfies(e -> {
            assertThat(e.message()).isEqualTo("ai.gateway.dev/load-balancing: random (expected round-robin or least-latency)");
            assertThat(e.location()).isEqualTo(new Location("t.yaml", 7));
            assertThat(e.resource()).isEqualTo("Backend ai/b");
        });
    }

    @Test
    void loadBalancingOnAStaticBackendWarns() {
        ResourceParser.Parsed p = parse("""
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata:
                  name: s
                  annotations: {ai.gateway.dev/load-balancing: least-latency}
                spec:
                  type: Static
                  static: {hosts: [{host: h, port: 80}]}
                """);
        assertThat(p.backends()).hasSize(1);
        assertThat(parser.problems()).singleElement().satisfies(w -> {
            assertThat(w.severity()).isEqualTo(Problem.Severity.WARNING);
            assertThat(w.message()).contains("applies to type AI Backends only");
        });
    }
}
