package dev.aigw.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${VAR}} in a secret value (a Secret's data, an inline token) is read from the
 * environment as the shell would; an unset variable leaves the value unresolved with the reason.
 * A bare {@code $VAR} is used as written, with a warning naming {@code ${VAR}}.
 */
public final class EnvRefs {
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    /** {@code $NAME} not written as {@code ${NAME}}. */
    private static final Pattern SHELL_VAR = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)");

    private final Function<String, String> env;

    public EnvRefs(Function<String, String> env) {
        this.env = env;
    }

    /** The value at {@code pointer} (named {@code where} in messages) with its references expanded. */
    public SecretValue expand(Checker c, String pointer, String raw, String where) {
        Matcher shell = SHELL_VAR.matcher(raw);
        if (shell.find()) {
            // What a user gets by copying the YAML between <<EOF and EOF literally: sent as written otherwise.
            c.warn(pointer, where + ": `$" + shell.group(1) + "` looks like an unexpanded shell variable and is used "
                    + "as written; write ${" + shell.group(1) + "} to read it from the environment");
        }
        Matcher m = ENV_REF.matcher(raw);
        StringBuilder sb = new StringBuilder();
        List<String> missing = new ArrayList<>();
        while (m.find()) {
            String v = env.apply(m.group(1));
            if (v == null || v.isEmpty()) {
                missing.add(m.group(1));
                v = "";
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        if (!missing.isEmpty()) {
            return new SecretValue.Unresolved(where + ": environment variable " + String.join(", ", missing)
                    + " is not set");
        }
        return new SecretValue.Present(sb.toString().strip());
    }
}
