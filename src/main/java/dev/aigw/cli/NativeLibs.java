package dev.aigw.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Netty's epoll library copied out of the jar once, when bin/ai-gateway builds the AOT cache
 * ({@code ai-gateway train --native-dir DIR}), so that a start loads it from there: the launcher
 * puts {@code -Djava.library.path=DIR} on the command line, which Netty's loader tries before it
 * extracts the library from the jar into a temporary file (inflate 100 KB, write, load, delete: ~9%
 * of the main thread's start-up samples). Without the folder, or with a JAVA_OPTS library path that
 * lacks the library, Netty extracts it as before.
 */
final class NativeLibs {
    private NativeLibs() {
    }

    /** The file name Netty's {@code Native} loads first for this machine (e.g. libnetty_transport_native_epoll_x86_64.so). */
    static String epollFileName() {
        return System.mapLibraryName("netty_transport_native_epoll_" + io.netty.util.internal.PlatformDependent.normalizedArch());
    }

    /**
     * Copies the epoll library this class path carries into {@code dir} (created when missing);
     * returns the file written, or null when the class path has none for this machine (another OS or
     * architecture: Netty then uses NIO, and nothing needs copying).
     */
    static Path copyEpoll(Path dir) throws IOException {
        String name = epollFileName();
        try (InputStream in = NativeLibs.class.getClassLoader().getResourceAsStream("META-INF/native/" + name)) {
            if (in == null) return null;
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, name, ".tmp");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                return Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
