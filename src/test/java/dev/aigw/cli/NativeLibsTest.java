package dev.aigw.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The epoll library copied out of the class path (what {@code ai-gateway train --native-dir} writes
 * for the launcher's {@code -Djava.library.path}) is the one Netty would extract, and a JVM started
 * with that path loads it from there: epoll available, and nothing extracted into Netty's workdir.
 */
class NativeLibsTest {
    @TempDir
    Path tmp;

    private static void assumeLinuxX8664() {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        assumeTrue(os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")), "not Linux x86-64");
    }

    @Test
    void copiesTheLibraryNettyLoadsAndAJvmWithThatLibraryPathLoadsItWithoutExtracting() throws Exception {
        assumeLinuxX8664();
        Path dir = tmp.resolve("native");
        Path lib = NativeLibs.copyEpoll(dir);
        assertThat(lib).isEqualTo(dir.resolve("libnetty_transport_native_epoll_x86_64.so"));
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/native/" + lib.getFileName())) {
            assertThat(in).isNotNull();
            assertThat(Files.readAllBytes(lib)).isEqualTo(in.readAllBytes());
        }
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(lib); // no temporary file left beside it
        }
        assertThat(NativeLibs.copyEpoll(dir)).isEqualTo(lib); // again (a rebuilt cache): replaced in place

        Path workdir = Files.createDirectories(tmp.resolve("netty-workdir"));
        assertThat(probe("-Djava.library.path=" + dir, "-Dio.netty.native.workdir=" + workdir))
                .isEqualTo("epoll true, extracted []");
    }

    @Test
    void withoutTheFolderNettyStillExtractsItsLibrary() throws Exception {
        assumeLinuxX8664();
        Path workdir = Files.createDirectories(tmp.resolve("netty-workdir"));
        assertThat(probe("-Djava.library.path=" + tmp.resolve("missing"), "-Dio.netty.native.workdir=" + workdir,
                "-Dio.netty.native.deleteLibAfterLoading=false")) // kept until the probe exits
                .startsWith("epoll true, extracted [libnetty_transport_native_epoll_x86_64");
    }

    /**
     * Starts a JVM on this class path with {@code flags} that prints whether Netty's epoll loaded
     * and what Netty's workdir holds then.
     */
    private static String probe(String... flags) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java.toString()));
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().reduce((a, b) -> b).orElse("");
    }

    /** The probe's JVM. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            boolean epoll = io.netty.channel.epoll.Epoll.isAvailable();
            try (var files = Files.list(Path.of(System.getProperty("io.netty.native.workdir")))) {
                System.out.println("epoll " + epoll + ", extracted " + files.map(f -> f.getFileName().toString()).sorted().toList());
            }
        }
    }
}
