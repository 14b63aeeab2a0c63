package dev.aigw.translate;

import dev.aigw.translate.canonical.ChatRequest;

/**
 * What the response side of a codec needs from the request it answers.
 *
 * @param ctx            clock, ids and the route's model
 * @param request        the decoded client request
 * @param requestedModel the model the upstream request named, reported when the provider names none
 */
public record Exchange(RequestContext ctx, ChatRequest request, String requestedModel) {
}
