package dev.aigw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** RunArgs, the start's own reader of {@code run}, against picocli on the same command lines. */
class RunArgsTest {

    private static CommandLine.Model.CommandSpec runSpec() {
        return new CommandLine(new Main()).getSubcommands().get("run").getCommandSpec();
    }

    /** Every field of a Run and of its ConfigOptions, by name, as text. */
    private static List<String> fields(Main.Run run) throws IllegalAccessException {
        List<String> out = new ArrayList<>();
        for (Object o : List.of(run, run.config)) {
            for (Field f : o.getClass().getDeclaredFields()) {
                if (f.isSynthetic() || java.lang.reflect.Modifier.isStatic(f.getModifiers()) || f.getName().equals("config")) continue;
                f.setAccessible(true);
                out.add(f.getName() + "=" + f.get(o));
            }
        }
        return out;
    }

    private static Main.Run picocli(String... args) {
        CommandLine cl = new CommandLine(new Main());
        CommandLine.ParseResult r = cl.parseArgs(args);
        return (Main.Run) r.subcommand().commandSpec().userObject();
    }

    @Test
    void itKnowsEveryOptionOfRunThatPicocliKnows() {
        Set<String> picocli = new HashSet<>();
        for (OptionSpec o : runSpec().options()) {
            if (o.usageHelp() || o.versionHelp()) continue; // -h/--help, -V/--version: picocli's
            for (String n : o.names()) picocli.add(n);
        }
        assertThat(RunArgs.names()).containsExactlyInAnyOrderElementsOf(picocli);
        for (OptionSpec o : runSpec().options()) {
            if (o.usageHelp() || o.versionHelp()) continue;
            assertThat(RunArgs.REPEATABLE.contains(o.longestName())).as(o.longestName()).isEqualTo(o.isMultiValue());
        }
    }

    @Test
    void itReadsEveryOptionAsPicocliDoes() throws Exception {
        List<String> args = new ArrayList<>(List.of("run"));
        int n = 0;
        for (OptionSpec o : runSpec().options()) {
            if (o.usageHelp() || o.versionHelp()) continue;
            n++;
            String name = o.longestName();
            if (o.arity().max() == 0) {
                args.add(name);
                continue;
            }
            Class<?> t = o.type();
            String v = t == int.class || t == Integer.class ? String.valueOf(1000 + n)
                    : t == long.class || t == Long.class ? String.valueOf(100000L + n)
                    : t == Path.class || o.auxiliaryTypes()[0] == Path.class ? "/tmp/p" + n : "v" + n;
            if (n % 2 == 0) {
                args.add(name + "=" + v);
            } else {
                args.add(name);
                args.add(v);
            }
            if (o.isMultiValue()) {
                args.add(name);
                args.add(v + "b");
            }
        }
        args.addAll(List.of("-f", "/tmp/short"));
        String[] line = args.toArray(String[]::new);
        Main.Run ours = RunArgs.parse(line);
        assertThat(ours).as("RunArgs read %s", args).isNotNull();
        assertThat(fields(ours)).containsExactlyElementsOf(fields(picocli(line)));
    }

    @Test
    void theDefaultsAreTheSame() throws Exception {
        Main.Run ours = RunArgs.parse(new String[]{"run", "-f", "g.yaml"});
        assertThat(ours).isNotNull();
        assertThat(fields(ours)).containsExactlyElementsOf(fields(picocli("run", "-f", "g.yaml")));
        assertThat(fields(ours)).contains("adminPort=19000", "watchInterval=1s", "implicitPort=8080", "bodyMinRate=100");
    }

    @Test
    void anythingElseIsLeftToPicocli() {
        for (String[] line : List.of(
                new String[]{}, new String[]{"validate", "-f", "x"}, new String[]{"run", "--help"}, new String[]{"run", "-h"},
                new String[]{"run", "-V"}, new String[]{"run", "--port", "eighty"}, new String[]{"run", "--port"},
                new String[]{"run", "--port", "1", "--port", "2"}, new String[]{"run", "--nope"}, new String[]{"run", "extra"},
                new String[]{"run", "-fconfig.yaml"}, new String[]{"run", "--kubernetes=true"}, new String[]{"run", "--", "-f"},
                new String[]{"run", "--bind-address", "-f", "x"}, new String[]{"--help", "run"})) {
            assertThat(RunArgs.parse(line)).as(String.join(" ", line)).isNull();
        }
    }

    @Test
    void aMistakeStillGetsPicocliMessage() {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            String[] line = {"run", "--port", "eighty"};
            assertThat(RunArgs.parse(line)).isNull();
            code = new CommandLine(new Main()).execute(line);
        } finally {
            System.setErr(saved);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Invalid value for option '--port'").contains("eighty");
    }

    @Test
    void theHelpStillShowsTheDefaults() {
        String help = new CommandLine(new Main()).getSubcommands().get("run").getUsageMessage();
        assertThat(help).contains("(default: 19000)").contains("(default: 1s)").contains("(default: 8080)")
                .contains("default: 10s)").contains("(default: 0)");
    }
}
