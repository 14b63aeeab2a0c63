package dev.aigw.config;

/** Where a resource or field was written: a file (or other source) and a 1-based line. */
public record Location(String source, int line) {
    public static final Location UNKNOWN = new Location("<unknown>", 0);

    @Override
    public String toString() {
        return line > 0 ? source + ":" + line : source;
    }
}
