package dev.aigw.translate;

import static dev.aigw.translate.TranslationException.invalid;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.canonical.ChatRequest;
import dev.aigw.translate.canonical.ChatResponse;
import dev.aigw.translate.canonical.StreamEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The translator of every pair of different formats: the client codec decodes into the canonical
 * model, the provider codec encodes from it, and back. Per exchange, like every translator.
 */
final class Composed implements Translator {
    private final ClientCodec client;
    private final ProviderCodec provider;
    private Warnings warnings; // made by request()
    private Exchange exchange;

    Composed(ClientCodec client, ProviderCodec provider) {
        this.client = client;
        this.provider = provider;
    }

    @Override
    public Schema client() {
        return client.schema();
    }

    @Override
    public Schema backend() {
        return provider.schema();
    }

    @Override
    public List<String> warnings() {
        return warnings == null ? List.of() : warnings.list();
    }

    /** The exchange of the last {@link #request} call, for tests that pin the canonical forms. */
    Exchange exchange() {
        if (exchange == null) {
            throw new IllegalStateException("request() must be called first");
        }
        return exchange;
    }

    ClientCodec clientCodec() {
        return client;
    }

    ProviderCodec providerCodec() {
        return provider;
    }

    @Override
    public TranslatedRequest request(ObjectNode clientBody, RequestContext ctx) throws TranslationException {
        warnings = new Warnings();
        ChatRequest decoded = client.decodeRequest(clientBody, ctx, warnings);
        // The route's model wins over the body's.
        String model = ctx.model().filter(m -> !m.isBlank()).or(decoded::model).filter(m -> !m.isEmpty())
                .orElseThrow(() -> invalid("model", "is required"));
        ChatRequest r = new ChatRequest(Optional.of(model), decoded.system(), decoded.messages(), decoded.tools(),
                decoded.toolChoice(), decoded.parallelToolCalls(), decoded.sampling(), decoded.reasoning(),
                decoded.output(), decoded.stream(), decoded.user(), decoded.extensions());
        TranslatedRequest out = provider.encodeRequest(r, ctx, warnings);
        exchange = new Exchange(ctx, r, out.model());
        return out;
    }

    @Override
    public TranslatedResponse response(ObjectNode upstreamBody) {
        Exchange x = exchange();
        ChatResponse r = provider.decodeResponse(upstreamBody, x);
        ObjectNode body = client.encodeResponse(r, x);
        return new TranslatedResponse(body, r.usage(), Optional.of(r.model().orElse(x.requestedModel())),
                Optional.of(client.finishReason(r.finish())));
    }

    @Override
    public Optional<TranslatedBytes> response(byte[] upstreamBody) {
        Exchange x = exchange();
        Optional<ChatResponse> decoded = provider.decodeResponse(upstreamBody, x);
        if (decoded.isEmpty()) {
            return Optional.empty();
        }
        ChatResponse r = decoded.get();
        byte[] body = Json.bytes(g -> client.writeResponse(r, x, g), upstreamBody.length + 128);
        return Optional.of(new TranslatedBytes(body, r.usage(), Optional.of(r.model().orElse(x.requestedModel())),
                Optional.of(client.finishReason(r.finish()))));
    }

    @Override
    public StreamTranslator stream() {
        Exchange x = exchange();
        return new Stream(provider.decodeStream(x), client.encodeStream(x), x.requestedModel());
    }

    @Override
    public TranslatedError error(int status, ObjectNode upstreamError) {
        return client.encodeError(provider.decodeError(status, upstreamError));
    }

    @Override
    public TranslatedError error(TranslationException e) {
        return client.encodeError(e);
    }

    /**
     * Provider events through the canonical vocabulary to client events, keeping the accounting
     * every stream reports: usage, model, finish reason, and whether it ended cleanly. On the
     * relay's byte path ({@link #onBlock}) the provider's payload is decoded from its bytes where
     * the decoder can, and the client's events are written as bytes: no parsed event, string of
     * the payload or encoded string per event.
     */
    private final class Stream implements SseBytesTranslator {
        private static final byte[] DATA = {'d', 'a', 't', 'a', ':', ' '};
        private static final byte[] BLANK = {'\n', '\n'};
        private final ProviderCodec.StreamDecoder decoder;
        private final ClientCodec.StreamEncoder encoder;
        private final List<StreamEvent> events = new ArrayList<>();
        private final List<SseEvent> written = new ArrayList<>();
        private final StreamedTextBuffer text = new StreamedTextBuffer();
        private boolean done;
        private boolean completed;
        private String model;
        private boolean modelSeen;
        private String finish;
        private Usage usage = Usage.ZERO;

        Stream(ProviderCodec.StreamDecoder decoder, ClientCodec.StreamEncoder encoder, String requestedModel) {
            this.decoder = decoder;
            this.encoder = encoder;
            this.model = requestedModel;
        }

        @Override
        public List<SseEvent> onEvent(SseEvent upstreamEvent) {
            List<SseEvent> out = new ArrayList<>();
            if (done) {
                return out;
            }
            events.clear();
            decoder.decode(upstreamEvent, events);
            encode(out);
            return out;
        }

        private void encode(List<SseEvent> out) {
            for (StreamEvent e : events) {
                if (done) {
                    break;
                }
                account(e);
                encoder.encode(e, out);
            }
        }

        /** What {@link #onEvent} does for the block's event (comments and empty blocks dispatch none), written as bytes. */
        @Override
        public void onBlock(SseBlock b, Output out) {
            if (done || !b.isEvent()) {
                return;
            }
            events.clear();
            decoder.decode(b, events);
            written.clear();
            encode(written);
            for (SseEvent x : written) {
                String d = x.data();
                if (x.event().isEmpty() && x.id().isEmpty() && d.indexOf('\n') < 0 && d.indexOf('\r') < 0) {
                    // SseEvent.encode of a one-line data event, without its string
                    byte[] a = d.getBytes(StandardCharsets.UTF_8);
                    out.write(DATA, 0, DATA.length);
                    out.write(a, 0, a.length);
                    out.write(BLANK, 0, BLANK.length);
                } else {
                    byte[] a = x.bytes();
                    out.write(a, 0, a.length);
                }
            }
        }

        private void account(StreamEvent e) {
            switch (e) {
                case StreamEvent.Start s -> {
                    s.model().ifPresent(m -> {
                        model = m;
                        modelSeen = true;
                    });
                    usage = s.usage().equals(Usage.ZERO) ? usage : s.usage();
                }
                case StreamEvent.UsageUpdate u -> usage = u.usage();
                case StreamEvent.Finish f -> {
                    if (finish == null) {
                        finish = client.finishReason(f.reason());
                    }
                }
                case StreamEvent.TextDelta t -> text.add(t.text());
                case StreamEvent.ThinkingDelta t -> text.add(t.text());
                case StreamEvent.ToolArgumentsDelta t -> text.add(t.json());
                case StreamEvent.End end -> {
                    completed = true;
                    done = true;
                }
                case StreamEvent.Error err -> done = true;
                default -> {
                }
            }
        }

        @Override
        public List<SseEvent> onEnd() {
            List<SseEvent> out = new ArrayList<>();
            if (done) {
                return out;
            }
            if (finish != null) {
                // Only the provider's closing events (end marker, late usage) are missing: the answer is whole.
                completed = true;
                encoder.encode(new StreamEvent.End(), out);
            } else {
                encoder.truncated(out);
            }
            done = true;
            return out;
        }

        @Override
        public Usage usage() {
            return usage;
        }

        @Override
        public Optional<String> model() {
            return modelSeen ? Optional.of(model) : Optional.empty();
        }

        @Override
        public Optional<String> finishReason() {
            return Optional.ofNullable(finish);
        }

        @Override
        public boolean completed() {
            return completed;
        }

        @Override
        public StreamedText streamedText() {
            return text.snapshot();
        }
    }
}
