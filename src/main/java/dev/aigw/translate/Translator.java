package dev.aigw.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Translation for one (client schema, backend schema) pair and one client request.
 *
 * <p>An instance serves a single exchange: {@link #request} remembers what the later phases
 * need from the client's body (for example whether the client asked for stream usage), so call
 * it first and create a fresh instance per request via {@link Translators#create}. Nothing here
 * does I/O.
 */
public interface Translator {

    Schema client();

    Schema backend();

    /**
     * True for {@link Identity}: client and backend speak the same schema, {@link #response} and
     * {@link #error} return their input unchanged (they are called for usage, model and finish
     * reason only), so the proxy may relay the upstream's raw bytes.
     */
    /**
     * After {@link #request}: the client's fields the backend cannot honour and that were dropped,
     * as {@code field: why}; the proxy reports them in {@code x-gateway-warning}.
     */
    default java.util.List<String> warnings() {
        return java.util.List.of();
    }

    default boolean identity() {
        return false;
    }

    TranslatedRequest request(ObjectNode clientBody, RequestContext ctx) throws TranslationException;

    TranslatedResponse response(ObjectNode upstreamBody);

    /**
     * {@link #response(ObjectNode)} from the upstream's bytes to the client's, for a caller that
     * needs no tree of the answer (no response guard, no content log); a translator whose codecs
     * read and write bytes has no tree between. Empty when the bytes are not a JSON object.
     */
    default java.util.Optional<TranslatedBytes> response(byte[] upstreamBody) {
        return Json.parseObject(upstreamBody).map(this::response)
                .map(r -> new TranslatedBytes(Json.bytes(g -> Json.MAPPER.writeTree(g, r.body()), 512), r.usage(), r.model(),
                        r.finishReason()));
    }

    /** A new stream translator; call after {@link #request}. */
    StreamTranslator stream();

    /** Translates an upstream error body (which may be empty or not JSON-shaped as documented). */
    TranslatedError error(int status, ObjectNode upstreamError);

    /** The client-format error for a request this translator rejected. */
    TranslatedError error(TranslationException e);
}
