package dev.aigw.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.policy.BodyText;
import dev.aigw.telemetry.TokenEstimator;
import dev.aigw.translate.StreamTranslator;
import dev.aigw.translate.Usage;

/**
 * The usage and accounting stage: the tokens of the exchange (the provider's count, or the
 * tokenizer's estimate on a worker when it reported none) go to telemetry and to the request
 * stages that asked for them; with {@code --log-prompts}, the bounded prompt and completion.
 */
final class Accounting {
    private Accounting() {
    }

    /**
     * Records usage, then runs {@code then} (which ends the response: the exchange's record closes
     * with it). The estimate is linear in the text and has no place on the event loop.
     */
    static void recordUsage(AiCall call, Usage usage, String responseModel, String finish,
                            StreamTranslator.StreamedText text, boolean completed, String model, Runnable then) {
        Usage u = usage == null ? Usage.ZERO : usage;
        if (reported(u)) {
            call.obs.usage(u, responseModel, finish, false);
            if (call.scope != null) call.scope.usageKnown(u);
            then.run();
            return;
        }
        ObjectNode request = call.clientBody(); // parsed here, on the event loop, if nothing needed it before
        call.vertx().executeBlocking(() -> TokenEstimator.shared().resolve(u, model, request, text, completed), false)
                .onComplete(ar -> call.onContext(() -> {
                    Usage known = ar.succeeded() ? ar.result().usage() : u;
                    call.obs.usage(known, responseModel, finish, ar.succeeded() && ar.result().estimated());
                    if (call.scope != null) call.scope.usageKnown(known);
                    then.run();
                }));
    }

    /** Whether the provider's count is whole: then no estimate, and the completion's text is not needed for one. */
    static boolean reported(Usage u) {
        return u != null && u.input() > 0 && u.output() > 0;
    }

    /** With {@code --log-prompts}: the prompt and the completion, bounded, for the access log. */
    static void logContent(AiCall call, String completion) {
        int max = call.services.options().logPromptChars();
        if (max <= 0) return;
        String prompt = null;
        if (call.body != null && call.clientSchema != null) {
            StringBuilder sb = new StringBuilder();
            for (var slot : BodyText.request(call.clientSchema, call.clientBody())) {
                if (sb.length() > max) break;
                sb.append(slot.role()).append(": ").append(slot.text()).append('\n');
            }
            prompt = bound(sb.toString(), max);
        }
        call.obs.content(prompt, completion == null ? null : bound(completion, max));
    }

    /** The completion text of a whole response, when prompts are logged; else null. */
    static String responseText(AiCall call, ObjectNode clientFormatBody) {
        if (call.services.options().logPromptChars() <= 0 || call.clientSchema == null || clientFormatBody == null) return null;
        StringBuilder sb = new StringBuilder();
        for (var slot : BodyText.response(call.clientSchema, clientFormatBody)) sb.append(slot.text());
        return sb.toString();
    }

    private static String bound(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
