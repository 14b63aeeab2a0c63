package dev.aigw.proxy.stage;

/** What a request-scope stage decided: go on to the next stage, or answer the client now. */
public sealed interface Verdict {
    Verdict PROCEED = new Proceed();

    /** The exchange goes on (possibly with a body the stage rewrote in place). */
    record Proceed() implements Verdict {
    }

    /** The exchange stops here; no provider is called. The error is rendered in the client's format. */
    record Answer(GatewayError error) implements Verdict {
        public Answer {
            java.util.Objects.requireNonNull(error, "error");
        }
    }

    static Verdict proceed() {
        return PROCEED;
    }

    static Verdict answer(GatewayError error) {
        return new Answer(error);
    }
}
