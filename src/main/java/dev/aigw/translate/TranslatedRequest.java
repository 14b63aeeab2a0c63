package dev.aigw.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * @param body      upstream request body
 * @param path      upstream path relative to the backend's base URL (Gemini puts model and
 *                  streaming in the path, so the body alone is not enough)
 * @param streaming whether the upstream answer will be an event stream
 * @param model     model the upstream request targets
 */
public record TranslatedRequest(ObjectNode body, String path, boolean streaming, String model) {
}
