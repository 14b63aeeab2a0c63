package dev.aigw.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.policy.AiPolicy;
import dev.aigw.provider.Provider;
import dev.aigw.translate.PromptCaching;
import dev.aigw.translate.Schema;

import java.util.function.Function;

/**
 * What an AI policy does to the body once it is in the provider's format, per attempt (each
 * provider of a failover gets its own): agentgateway's {@code promptCaching} (Bedrock Converse
 * cache points; {@code cache_control} for the native Anthropic API, not Claude on Vertex AI, as
 * agentgateway does), then {@code finalTransformations}.
 */
final class ProviderBody {
    private ProviderBody() {
    }

    /** Whether {@link #apply} leaves every body as it is under this policy (then none needs a tree for it). */
    static boolean nothingToDo(java.util.Optional<AiPolicy> policy) {
        return policy.isEmpty() || policy.get().promptCaching().isEmpty() && policy.get().finalTransformations().isEmpty();
    }

    static void apply(AiPolicy policy, Provider p, Schema wire, ObjectNode body, String model,
                      Function<String, String> headers) {
        policy.promptCaching().ifPresent(c -> {
            if (wire == Schema.BEDROCK_CONVERSE) PromptCaching.bedrock(body, model, c);
            else if (wire == Schema.ANTHROPIC_MESSAGES && p.kind().equals("anthropic")) PromptCaching.anthropic(body, c);
        });
        policy.finalTransformations().apply(body, headers);
    }
}
