package dev.aigw.config;

/**
 * One thing wrong with the configuration. {@link Severity#ERROR} makes a config change refused as
 * a whole (the last good config keeps serving); {@link Severity#UNRESOLVED} is a broken reference
 * (a missing Secret or Backend): the config is served and the affected route answers 500 with the
 * same message. Both make {@code validate} exit 1.
 */
public record Problem(Severity severity, Location location, String resource, String message) {
    /** {@code INFO}: worth one line in the log (e.g. a kind accepted and ignored); never a problem. */
    public enum Severity { ERROR, UNRESOLVED, WARNING, INFO }

    public static Problem info(Location at, String resource, String message) {
        return new Problem(Severity.INFO, at, resource, message);
    }

    public static Problem error(Location at, String resource, String message) {
        return new Problem(Severity.ERROR, at, resource, message);
    }

    public static Problem unresolved(Location at, String resource, String message) {
        return new Problem(Severity.UNRESOLVED, at, resource, message);
    }

    public static Problem warning(Location at, String resource, String message) {
        return new Problem(Severity.WARNING, at, resource, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        String where = location == null ? "" : location + ": ";
        String what = resource == null || resource.isEmpty() ? "" : resource + ": ";
        String tag = switch (severity) {
            case ERROR -> "error: ";
            case UNRESOLVED -> "unresolved: ";
            case WARNING -> "warning: ";
            case INFO -> "info: ";
        };
        return where + tag + what + message;
    }
}
