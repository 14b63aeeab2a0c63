package dev.aigw.cli;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * {@code ai-gateway run}'s options read without picocli, for the one command line every start
 * uses. Picocli costs ~150 ms of CPU on the main thread before the gateway does anything: its
 * ~300 classes are Java 5 class files, which the JVM's AOT cache cannot hold, so each start loads,
 * verifies and interprets them afresh. {@link Main.Run} and {@link Main.ConfigOptions} stay the
 * definition (their annotations are the help text; their field initialisers are the defaults for
 * both parsers).
 *
 * <p>This reads {@code run} followed by long options, {@code --name VALUE} or {@code --name=VALUE}
 * (and {@code -f PATH}), each single-valued option once. Anything else returns {@code null} and
 * picocli parses the whole line as before: help and version, short or clustered forms, a value
 * that does not convert, an unknown or repeated option, positional arguments, {@code --}. So every
 * mistake still gets picocli's message. {@code RunArgsTest} holds the two parsers to the same
 * options and the same results.
 */
final class RunArgs {
    /** The value-taking options: name → what it sets. */
    private static final Map<String, BiConsumer<Main.Run, String>> VALUES = Map.ofEntries(
            Map.entry("--file", (r, v) -> r.config.files.add(Path.of(v))),
            Map.entry("--port", (r, v) -> r.config.implicitPort = Integer.parseInt(v)),
            Map.entry("--max-config-bytes", (r, v) -> r.config.maxConfigBytes = Long.parseLong(v)),
            Map.entry("--admin-address", (r, v) -> r.adminAddress = v),
            Map.entry("--admin-port", (r, v) -> r.adminPort = Integer.parseInt(v)),
            Map.entry("--bind-address", (r, v) -> r.bindAddress = v),
            Map.entry("--max-body-bytes", (r, v) -> r.maxBodyBytes = Long.parseLong(v)),
            Map.entry("--max-buffered-bytes", (r, v) -> r.maxBufferedBytes = Long.valueOf(v)),
            Map.entry("--ca-file", (r, v) -> r.caFiles.add(Path.of(v))),
            Map.entry("--connect-to", (r, v) -> r.connectTo.add(v)),
            Map.entry("--namespace", (r, v) -> r.namespaces.add(v)),
            Map.entry("--gateway-class", (r, v) -> r.gatewayClasses.add(v)),
            Map.entry("--lease-namespace", (r, v) -> r.leaseNamespace = v),
            Map.entry("--log-prompts", (r, v) -> r.logPrompts = Integer.parseInt(v)),
            Map.entry("--model-catalog", (r, v) -> r.modelCatalog = Path.of(v)),
            Map.entry("--admin-token-file", (r, v) -> r.adminTokenFile = Path.of(v)),
            Map.entry("--request-header-timeout", (r, v) -> r.headerTimeout = v),
            Map.entry("--request-body-idle-timeout", (r, v) -> r.bodyIdleTimeout = v),
            Map.entry("--request-body-min-rate", (r, v) -> r.bodyMinRate = Long.parseLong(v)),
            Map.entry("--max-client-connections", (r, v) -> r.maxClientConnections = Integer.valueOf(v)),
            Map.entry("--watch-interval", (r, v) -> r.watchInterval = v));
    /** The options that may be given more than once (each adds to a list). */
    static final Set<String> REPEATABLE = Set.of("--file", "--ca-file", "--connect-to", "--namespace", "--gateway-class");
    /** The flags (no value). */
    private static final Map<String, java.util.function.Consumer<Main.Run>> FLAGS = Map.of(
            "--kubernetes", r -> r.kubernetes = true,
            "--admin-try-it", r -> r.adminTryIt = true);
    /** Short names and the long option they stand for. */
    private static final Map<String, String> SHORT = Map.of("-f", "--file");

    private RunArgs() {
    }

    /** The options of {@code run} (long names), for the test that holds this to picocli. */
    static Set<String> names() {
        Set<String> all = new HashSet<>(VALUES.keySet());
        all.addAll(FLAGS.keySet());
        all.addAll(SHORT.keySet());
        return all;
    }

    /** The parsed {@code run} command, or {@code null} when picocli must read this command line. */
    static Main.Run parse(String[] args) {
        if (args.length == 0 || !args[0].equals("run")) return null;
        Main.Run run = new Main.Run();
        Set<String> seen = new HashSet<>();
        try {
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                String name = a;
                String value = null;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 2) {
                    name = a.substring(0, eq);
                    value = a.substring(eq + 1);
                }
                name = SHORT.getOrDefault(name, name);
                if (!seen.add(name) && !REPEATABLE.contains(name)) return null;
                var flag = FLAGS.get(name);
                if (flag != null) {
                    if (value != null) return null;
                    flag.accept(run);
                    continue;
                }
                var set = VALUES.get(name);
                if (set == null) return null;
                if (value == null) {
                    if (i + 1 >= args.length || args[i + 1].startsWith("-")) return null;
                    value = args[++i];
                }
                set.accept(run, value);
            }
        } catch (RuntimeException e) {
            return null; // a value that does not convert: picocli says what is wrong with it
        }
        return run;
    }

    /** Runs a command parsed here as picocli's {@code execute} would: a thrown exception is printed and exits 1. */
    static int call(Main.Run run) {
        try {
            return run.call();
        } catch (Exception e) {
            e.printStackTrace();
            return 1;
        }
    }
}
