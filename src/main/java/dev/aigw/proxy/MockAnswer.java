package dev.aigw.proxy;

import dev.aigw.policy.ResponseGuard;
import dev.aigw.provider.MockProvider;
import dev.aigw.provider.UpstreamRequest;
import dev.aigw.translate.Schema;
import dev.aigw.translate.SseEvent;
import dev.aigw.translate.StreamFraming;
import dev.aigw.translate.StreamTranslator;
import dev.aigw.translate.TranslatedResponse;
import dev.aigw.translate.Translator;
import dev.aigw.translate.Translators;
import dev.aigw.translate.Usage;

import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The mock provider's answer, made locally and sent through the same response stages as a real
 * one (translator, guard, usage): whole, or as a stream paced one chunk per {@value #CHUNK_DELAY_MS} ms.
 */
final class MockAnswer {
    private static final long CHUNK_DELAY_MS = 15;

    private MockAnswer() {
    }

    static void serve(AiCall call, MockProvider mock, UpstreamRequest up, Translator tr, String model) {
        ClientResponse out = call.out;
        Translator t = tr != null ? tr : Translators.create(Schema.OPENAI_CHAT, Schema.OPENAI_CHAT).orElseThrow();
        if (out.open()) {
            out.headers().set("x-gateway-provider", "mock/" + mock.name());
            String m = mock.model().orElse(model);
            if (Headers.safeValue(m)) out.headers().set("x-gateway-model", m);
            Filters.response(call.ex.rule(), out.headers());
        }
        if (!up.streaming()) {
            TranslatedResponse r = t.response(mock.completion(up.body()));
            Accounting.logContent(call, Accounting.responseText(call, r.body()));
            Accounting.recordUsage(call, r.usage(), r.model().orElse(null), r.finishReason().orElse(null),
                    StreamTranslator.StreamedText.NONE, true, model, () -> Responses.deliverWhole(call, r.body(), null));
            return;
        }
        out.eventStreamHead();
        StreamTranslator st = t.stream();
        Optional<ResponseGuard> guard = call.policy.flatMap(p -> p.responseGuard(call.clientSchema));
        if (guard.isPresent()) st = guard.get().wrap(st);
        StreamRelay relay = new StreamRelay(call, new Reemit(st), false, StreamFraming.SSE, model);
        next(call, mock.chunks(up.body()).iterator(), relay);
    }

    private static void next(AiCall call, Iterator<String> it, StreamRelay relay) {
        if (!call.out.writable()) return;
        if (!it.hasNext()) {
            relay.end(null, null);
            return;
        }
        relay.events(List.of(SseEvent.data(it.next())));
        call.vertx().setTimer(CHUNK_DELAY_MS, id -> call.guard(v -> next(call, it, relay)).handle(null));
    }

    /** A stream translator that always re-emits (the mock has no upstream bytes to relay). */
    private record Reemit(StreamTranslator inner) implements StreamTranslator {
        public List<SseEvent> onEvent(SseEvent e) {
            return inner.onEvent(e);
        }

        public List<SseEvent> onEnd() {
            return inner.onEnd();
        }

        public Usage usage() {
            return inner.usage();
        }

        public Optional<String> model() {
            return inner.model();
        }

        public Optional<String> finishReason() {
            return inner.finishReason();
        }

        public boolean completed() {
            return inner.completed();
        }

        public StreamedText streamedText() {
            return inner.streamedText();
        }
    }
}
