package dev.aigw.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A client-format error body and the status to send it with. */
public record TranslatedError(int status, ObjectNode body) {
}
