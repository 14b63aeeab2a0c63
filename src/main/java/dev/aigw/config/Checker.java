package dev.aigw.config;

import java.util.List;

/**
 * Reports the problems of one resource's validation pass at JSON pointers into its body, so
 * each names the line, the resource and the field path ({@link #error}: the path prefixed, as the
 * agentgateway passes write them; {@link #fail}: the message as written, naming its field).
 */
public final class Checker {
    private final RawResource resource;
    private final List<Problem> problems;
    private boolean failed;

    public Checker(RawResource resource, List<Problem> problems) {
        this.resource = resource;
        this.problems = problems;
    }

    public RawResource resource() {
        return resource;
    }

    /** Whether any error was reported. */
    public boolean failed() {
        return failed;
    }

    /** The resource as users name it in messages: {@code Backend ai/openai}. */
    public String name() {
        return resource.key().toString();
    }

    /** Where the value at a pointer was written (see {@link RawResource#valueAt}). */
    public Location at(String pointer) {
        return resource.valueAt(pointer);
    }

    /**
     * Binds the node at {@code pointer} strictly onto {@code type} (see {@link Binder}); null, and
     * this resource failed, after an error.
     */
    public <T> T bind(String pointer, Class<T> type) {
        T value = Binder.bind(resource, pointer, type, problems);
        if (value == null) failed = true;
        return value;
    }

    /**
     * An error whose message names its own field, at the value's line: the Gateway API and
     * kgateway passes, whose messages users and scripts know as written.
     */
    public void fail(String pointer, String message) {
        failed = true;
        problems.add(Problem.error(at(pointer), name(), message));
    }

    /** A warning whose message names its own field, at the value's line. */
    public void warn(String pointer, String message) {
        problems.add(Problem.warning(at(pointer), name(), message));
    }

    public void error(String pointer, String message) {
        failed = true;
        problems.add(Problem.error(resource.at(pointer), resource.key().toString(), Binder.path(pointer) + ": " + message));
    }

    public void warning(String pointer, String message) {
        problems.add(Problem.warning(resource.at(pointer), resource.key().toString(), Binder.path(pointer) + ": " + message));
    }

    public void info(String pointer, String message) {
        problems.add(Problem.info(resource.at(pointer), resource.key().toString(), Binder.path(pointer) + ": " + message));
    }

    /** An error when {@code value} is outside [min, max]. */
    public void range(String pointer, java.util.Optional<Integer> value, int min, int max) {
        if (value.isPresent() && (value.get() < min || value.get() > max)) {
            error(pointer, value.get() + " is out of range (expected " + min + " to " + max + ")");
        }
    }

    /** An error when the string is empty or longer than {@code max} (the API's TinyString 64, ShortString 256, LongString 1024). */
    public void length(String pointer, String value, int max) {
        if (value == null || value.isEmpty()) error(pointer, "must not be empty");
        else if (value.length() > max) error(pointer, "is " + value.length() + " characters, over the limit of " + max);
    }
}
