package dev.aigw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The start-up line's clock: the launcher's $EPOCHREALTIME read, and the phases in order. */
class StartupPhasesTest {

    @Test
    void theLaunchersClockIsReadAndAnAbsentStaleOrOddOneIsIgnored() {
        assertThat(StartupPhases.sinceEpochSeconds("1733100000.250000", 1_733_100_000_750L)).isEqualTo(500);
        assertThat(StartupPhases.sinceEpochSeconds("1733100000,250000", 1_733_100_000_750L)).isEqualTo(500); // a comma locale
        assertThat(StartupPhases.sinceEpochSeconds(null, 1_733_100_000_750L)).isEqualTo(-1);
        assertThat(StartupPhases.sinceEpochSeconds("", 1_733_100_000_750L)).isEqualTo(-1);
        assertThat(StartupPhases.sinceEpochSeconds("soon", 1_733_100_000_750L)).isEqualTo(-1);
        assertThat(StartupPhases.sinceEpochSeconds("1733100001.0", 1_733_100_000_750L)).isEqualTo(-1); // in the future
        assertThat(StartupPhases.sinceEpochSeconds("1733000000.0", 1_733_100_000_750L)).isEqualTo(-1); // an inherited old value
    }

    @Test
    void theLineNamesEachPhaseOnceAndOnlyTheFirstStartIsTimed() {
        StartupPhases.mainEntered(String.valueOf(System.currentTimeMillis() / 1000.0 - 0.2));
        StartupPhases.mark("arguments and logging");
        StartupPhases.beside("config read, bound and compiled beside them", System.nanoTime());
        StartupPhases.mark("Vert.x");
        String line = StartupPhases.summary();
        assertThat(line).matches("serving \\d+ ms after exec: launcher and JVM to main \\d+, arguments and logging \\d+, "
                + "\\(config read, bound and compiled beside them \\d+\\), Vert.x \\d+ \\(ms\\)");
        StartupPhases.mark("a reload");
        assertThat(StartupPhases.summary()).isNull();
    }
}
