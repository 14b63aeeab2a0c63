package dev.aigw.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/lib/jvm.sh, the one place the launcher's JVM flags are chosen: run by bash against fake JDKs
 * (a release file and a java that is never started), so each JDK generation's branch is seen.
 */
class LauncherFlagsTest {
    private static final Path LIB = Path.of("bin/lib").toAbsolutePath();

    @TempDir
    Path tmp;

    private Path fakeJdk(String version) throws Exception {
        Path home = tmp.resolve("jdk-" + version);
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\nJAVA_RUNTIME_VERSION=\""
                + version + "+1\"\n");
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho 'this fake java must not be started' >&2\nexit 99\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(tmp.resolve("root/target"));
        return java;
    }

    /** Runs SCRIPT after sourcing java.sh and jvm.sh with JAVA set; returns stdout lines. */
    private List<String> bash(Path java, Map<String, String> env, String script) throws Exception {
        boolean hasBash = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "bash")));
        assumeTrue(hasBash, "bash is not installed");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", ". '" + LIB + "/java.sh'; . '" + LIB + "/jvm.sh'; "
                + "JAVA='" + java + "'; ROOT='" + tmp.resolve("root") + "'; " + script);
        pb.environment().keySet().removeIf(k -> k.startsWith("AIGW_") || k.equals("JAVA_OPTS"));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    private static final String PRINT = "aigw_cache_flags; printf '%s\\n' \"${AIGW_JVM_FLAGS[@]}\" \"cache=$AIGW_CACHE\"";

    @Test
    void jdk25GetsSerialGcBoundedHeapCompactHeadersAndTheAotCacheOnceBuilt() throws Exception {
        Path java = fakeJdk("25.0.3");
        List<String> flags = bash(java, Map.of(), "aigw_jvm_flags \"$ROOT\"; " + PRINT);
        assertThat(flags).contains("-XX:+UseSerialGC", "-Xms32m", "-Xmx1g", "-XX:+ExitOnOutOfMemoryError",
                "-XX:+UseCompactObjectHeaders", "-XX:TrimNativeHeapInterval=1000", "-Dio.netty.jfr.enabled=false",
                "-Djdk.reflect.useNativeAccessorOnly=true", "--sun-misc-unsafe-memory-access=allow"); // -Xmx and exit-on-OOM are lib/heap.sh's; the last: proxy/WireDefaults
        assertThat(flags).noneMatch(f -> f.startsWith("-XX:AOTCache")); // not built yet: started without
        String cache = flags.getLast().substring("cache=".length());
        assertThat(cache).contains("/target/ai-gateway.jdk-25.0.3+1.").endsWith(".aot");

        Files.createFile(Path.of(cache));
        assertThat(bash(java, Map.of(), "aigw_jvm_flags \"$ROOT\"; " + PRINT)).contains("-XX:AOTCache=" + cache)
                .containsSubsequence("-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0");
        assertThat(bash(java, Map.of("AIGW_AOT", "off"), "aigw_jvm_flags \"$ROOT\"; " + PRINT))
                .noneMatch(f -> f.startsWith("-XX:AOTCache"));
    }

    @Test
    void theEpollLibraryFolderIsTheLibraryPathUnlessOlderThanTheJar() throws Exception {
        Path java = fakeJdk("25.0.3");
        Path root = tmp.resolve("root");
        Path jar = Files.writeString(root.resolve("target/ai-gateway.jar"), "jar");
        String print = "aigw_jvm_flags \"$ROOT\"; aigw_cache_flags '" + jar + "'; printf '%s\\n' \"${AIGW_JVM_FLAGS[@]}\"";
        String flag = "-Djava.library.path=" + root.resolve("target/native");
        assertThat(bash(java, Map.of(), print)).doesNotContain(flag); // not built yet

        Path dir = Files.createDirectories(root.resolve("target/native"));
        Files.writeString(dir.resolve("libnetty_transport_native_epoll_x86_64.so"), "so");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        assertThat(bash(java, Map.of(), print)).contains(flag);
        assertThat(bash(java, Map.of("AIGW_AOT", "off"), print)).doesNotContain(flag);

        // a jar rebuilt since: its Netty may want another build of the library, which Netty then extracts itself
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        assertThat(bash(java, Map.of(), print)).doesNotContain(flag);
    }

    @Test
    void javaOptsThatNameACollectorOrHeapReplaceTheDefaultsAndGetACacheOfTheirOwn() throws Exception {
        Path java = fakeJdk("25.0.3");
        List<String> plain = bash(java, Map.of(), "aigw_jvm_flags \"$ROOT\"; " + PRINT);
        List<String> z = bash(java, Map.of("JAVA_OPTS", "-XX:+UseZGC -Xmx2g -Dx=y"),
                "aigw_jvm_flags \"$ROOT\" $JAVA_OPTS; " + PRINT);
        assertThat(z).doesNotContain("-XX:+UseSerialGC", "-Xmx1g").contains("-Xms32m");
        assertThat(z.getLast()).isNotEqualTo(plain.getLast()); // a cache trained with other heap flags would not load
        List<String> env = bash(java, Map.of("AIGW_HEAP", "768m", "AIGW_GC", "G1"), "aigw_jvm_flags \"$ROOT\"; " + PRINT);
        assertThat(env).contains("-XX:+UseG1GC", "-Xmx768m").doesNotContain("-XX:+UseSerialGC");
    }

    @Test
    void heapSizesBelow32GbShareTheCacheAndCompressedPointersOffDoNot() throws Exception {
        Path java = fakeJdk("25.0.3");
        String cache = "aigw_jvm_flags \"$ROOT\"; echo \"$AIGW_CACHE\"";
        String base = bash(java, Map.of(), cache).getLast();
        assertThat(bash(java, Map.of("AIGW_HEAP", "512m"), cache).getLast()).isEqualTo(base);
        assertThat(bash(java, Map.of("AIGW_HEAP", "31g"), cache).getLast()).isEqualTo(base);
        assertThat(bash(java, Map.of("AIGW_HEAP", "40g"), cache).getLast()).isNotEqualTo(base);
    }

    @Test
    void jdk21FallsBackToADynamicCdsArchiveAndNoJdk25Flags() throws Exception {
        Path java = fakeJdk("21.0.5");
        List<String> flags = bash(java, Map.of(), "aigw_jvm_flags \"$ROOT\"; aigw_aot_cache \"$ROOT\" /nonexistent.jar; "
                + PRINT);
        assertThat(flags).contains("-XX:+UseSerialGC", "-XX:+AutoCreateSharedArchive")
                .doesNotContain("-XX:+UseCompactObjectHeaders", "-XX:TrimNativeHeapInterval=1000",
                        "--sun-misc-unsafe-memory-access=allow") // JDK 21 has no such flag (nor needs it)
                .anyMatch(f -> f.startsWith("-XX:SharedArchiveFile=") && f.endsWith(".jsa"));
    }
}
