package dev.aigw.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.canonical.ChatError;
import dev.aigw.translate.canonical.ChatRequest;
import dev.aigw.translate.canonical.ChatResponse;
import dev.aigw.translate.canonical.FinishReason;
import dev.aigw.translate.canonical.StreamEvent;
import java.util.List;

/**
 * The client side of one API format: reads what its clients send, writes what they expect back.
 * Stateless; per-exchange state lives in the {@link StreamEncoder} it makes.
 */
public interface ClientCodec {

    Schema schema();

    /** The client's body as the canonical request; refusals name the field in the client's terms. */
    ChatRequest decodeRequest(ObjectNode body, RequestContext ctx, Warnings warnings) throws TranslationException;

    ObjectNode encodeResponse(ChatResponse response, Exchange exchange);

    /**
     * The answer written to a generator. A codec that writes it so overrides this and builds its
     * tree from the same writing (no tree on the proxy's path); by default the tree is written.
     */
    default void writeResponse(ChatResponse response, Exchange exchange, com.fasterxml.jackson.core.JsonGenerator g)
            throws java.io.IOException {
        Json.MAPPER.writeTree(g, encodeResponse(response, exchange));
    }

    StreamEncoder encodeStream(Exchange exchange);

    /** An upstream or gateway error in the client's shape, with the status the client should see. */
    TranslatedError encodeError(ChatError error);

    /** A request the translation refused, in the client's shape: a 400 naming the field. */
    default TranslatedError encodeError(TranslationException e) {
        return encodeError(new ChatError(e.status(), java.util.Optional.of("invalid_request_error"), e.getMessage(),
                java.util.Optional.of(e.field())));
    }

    /** A finish reason in the client's vocabulary. */
    String finishReason(FinishReason reason);

    /** Turns canonical stream events into one client stream; a new one per exchange. */
    interface StreamEncoder {

        void encode(StreamEvent event, List<SseEvent> out);

        /** The provider stream closed before {@link StreamEvent.End}: end the client stream with an error. */
        void truncated(List<SseEvent> out);
    }
}
