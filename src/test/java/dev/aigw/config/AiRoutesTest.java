package dev.aigw.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** spec.ai.routes: parsed with errors located, resolved longest suffix first and "*" last. */
class AiRoutesTest {
    private static ResourceParser.Parsed parse(String routes, List<Problem> problems) {
        YamlResources.Result y = YamlResources.parse("t.yaml", """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: b, namespace: ai}
                spec:
                  type: AI
                  ai:
                    llm: {openai: {authToken: {kind: Inline, inline: k}}}
                    routes:
                """ + routes.indent(6));
        ResourceParser parser = new ResourceParser(n -> null);
        ResourceParser.Parsed p = parser.parse(y.resources());
        problems.addAll(parser.problems());
        return p;
    }

    @Test
    void longestSuffixFirstAndStarLast() {
        List<Problem> problems = new java.util.ArrayList<>();
        ResourceParser.Parsed p = parse("""
                "*": Passthrough
                /chat/completions: Completions
                /v1/responses/input_tokens: Detect
                /responses: Responses
                """, problems);
        assertThat(problems).isEmpty();
        AiRoutes routes = ((BackendResource.Ai) p.backends().getFirst().spec()).routes();
        assertThat(routes.resolve("/openai/v1/responses/input_tokens")).hasValue(AiRoutes.RouteType.Detect);
        assertThat(routes.resolve("/openai/v1/responses")).hasValue(AiRoutes.RouteType.Responses);
        assertThat(routes.resolve("/openai/v1/chat/completions/")).hasValue(AiRoutes.RouteType.Completions);
        assertThat(routes.resolve("/openai/v1/files")).hasValue(AiRoutes.RouteType.Passthrough);
        assertThat(AiRoutes.NONE.configured()).isFalse();
        assertThat(new AiRoutes(List.of(new AiRoutes.Entry("/v1/models", AiRoutes.RouteType.Models))).resolve("/v1/files")).isEmpty();
    }

    @Test
    void anUnknownRouteTypeOrKeyIsAnErrorNamingTheChoices() {
        List<Problem> problems = new java.util.ArrayList<>();
        ResourceParser.Parsed p = parse("""
                /v1/chat/completions: Chat
                v1/embeddings: Embeddings
                """, problems);
        assertThat(p.backends()).isEmpty();
        assertThat(problems).filteredOn(Problem::isError).extracting(Problem::toString).anySatisfy(s -> assertThat(s)
                .contains("Chat is not a route type").contains("Completions, Messages, Responses"));
        assertThat(problems).filteredOn(Problem::isError).extracting(Problem::toString).anySatisfy(s -> assertThat(s)
                .contains("\"v1/embeddings\" must be a path suffix starting with /"));
    }
}
