package dev.aigw.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.canonical.Capabilities;
import dev.aigw.translate.canonical.ChatError;
import dev.aigw.translate.canonical.ChatRequest;
import dev.aigw.translate.canonical.ChatResponse;
import dev.aigw.translate.canonical.StreamEvent;
import java.util.List;

/**
 * The provider side of one API format: writes the upstream request, reads what the provider answers.
 * Stateless; per-exchange state lives in the {@link StreamDecoder} it makes.
 */
public interface ProviderCodec {

    Schema schema();

    /** What the format can carry; the one table is {@link Translators#capabilities}. */
    default Capabilities capabilities() {
        return Translators.capabilities(schema());
    }

    /**
     * The upstream request; what the provider cannot carry is dropped with a warning, or refused
     * when dropping would change the answer's meaning.
     */
    TranslatedRequest encodeRequest(ChatRequest request, RequestContext ctx, Warnings warnings) throws TranslationException;

    ChatResponse decodeResponse(ObjectNode body, Exchange exchange);

    /**
     * The answer from its bytes; empty when they are not a JSON object. A codec that reads them
     * with the streaming parser overrides this, and reads its trees the same way (no tree on the
     * proxy's path); by default the bytes are parsed to a tree first.
     */
    default java.util.Optional<ChatResponse> decodeResponse(byte[] body, Exchange exchange) {
        return Json.parseObject(body).map(tree -> decodeResponse(tree, exchange));
    }

    StreamDecoder decodeStream(Exchange exchange);

    /** An upstream error body (which may be null or not shaped as documented). */
    ChatError decodeError(int status, ObjectNode body);

    /** Turns one provider stream into canonical events; a new one per exchange. */
    interface StreamDecoder {
        void decode(SseEvent event, List<StreamEvent> out);

        /**
         * One SSE block that is an event ({@link SseBlock#isEvent()}), decoded as its event would be;
         * a decoder that reads the payload's bytes in place overrides this.
         */
        default void decode(SseBlock block, List<StreamEvent> out) {
            decode(block.toEvent(), out);
        }
    }
}
