package dev.aigw.translate;

/**
 * A stream translator that also works on the provider's SSE bytes, for a relay that passes them
 * through: it reads what accounting needs from each block and writes what the client gets of it
 * (the block as it came, the block with a field cut out, or nothing), with no event decoded
 * into a tree and none re-encoded. Given the same blocks it must account and write exactly what
 * {@link #onEvent} would for the events they carry.
 */
public interface SseBytesTranslator extends StreamTranslator {

    /** One whole block ({@link SseSplitter}); comments and empty blocks included. */
    void onBlock(SseBlock block, Output out);

    /**
     * True when every range this translator writes of a block's array lies in that block, at or
     * after the end of the last range it wrote of the array, and it reads a block only before it
     * writes of it: the relay may then move what it keeps of an upstream chunk down inside the
     * chunk's own array rather than copy it out.
     */
    default boolean writesInOrder() {
        return false;
    }

    /** Where the client's bytes go: ranges of blocks' arrays, valid only during the call. */
    @FunctionalInterface
    interface Output {
        void write(byte[] a, int from, int to);
    }
}
