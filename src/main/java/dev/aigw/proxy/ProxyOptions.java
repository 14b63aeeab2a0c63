package dev.aigw.proxy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Data-path settings. {@code connectTo} maps an upstream {@code host:port} to another socket
 * address (like curl's {@code --connect-to}): Host, SNI and certificate checks still use the
 * original host. {@code caFiles} are PEM certificates trusted in addition to the JVM's trust store.
 * {@code maxBufferedBytes} bounds the bytes held in memory across all requests at once (bodies
 * read whole); requests that would pass it are refused with 503.
 */
public record ProxyOptions(long maxBodyBytes, Duration connectTimeout, Map<String, String> connectTo,
                           List<Path> caFiles, String bindAddress, int logPromptChars, ClientLimits clientLimits,
                           long maxBufferedBytes) {

    public ProxyOptions(long maxBodyBytes, Duration connectTimeout, Map<String, String> connectTo, List<Path> caFiles,
                        String bindAddress, int logPromptChars) {
        this(maxBodyBytes, connectTimeout, connectTo, caFiles, bindAddress, logPromptChars, ClientLimits.defaults(),
                defaultMaxBuffered());
    }

    /**
     * What a client connection may take (see {@link ClientGuard}): the time to send a request
     * head, the longest pause inside a body, the slowest body (bytes per second over 10 s
     * windows; 0: no minimum), and the most connections one listener port holds.
     */
    public record ClientLimits(Duration headerTimeout, Duration bodyIdleTimeout, long bodyMinBytesPerSecond,
                               int maxConnections) {
        public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
        public static final Duration DEFAULT_BODY_IDLE_TIMEOUT = Duration.ofSeconds(30);
        public static final long DEFAULT_BODY_MIN_RATE = 100;

        public ClientLimits {
            if (headerTimeout.isNegative() || headerTimeout.isZero()) throw new IllegalArgumentException("--request-header-timeout must be more than 0");
            if (bodyIdleTimeout.isNegative() || bodyIdleTimeout.isZero()) throw new IllegalArgumentException("--request-body-idle-timeout must be more than 0");
            if (bodyMinBytesPerSecond < 0) throw new IllegalArgumentException("--request-body-min-rate must be 0 or more");
            if (maxConnections < 1) throw new IllegalArgumentException("--max-client-connections must be 1 or more");
        }

        public static ClientLimits defaults() {
            return new ClientLimits(DEFAULT_HEADER_TIMEOUT, DEFAULT_BODY_IDLE_TIMEOUT, DEFAULT_BODY_MIN_RATE,
                    defaultMaxConnections());
        }

        /**
         * 10,000, or half the process's file descriptors if that is less: each client connection
         * may need an upstream one too, and the admin listener, config files and logs need some.
         */
        public static int defaultMaxConnections() {
            long fds = openFileLimit();
            if (fds <= 0) return 10_000;
            return (int) Math.max(64, Math.min(10_000, (fds - 128) / 2));
        }

        /**
         * The process's soft limit on open files; 0 when unknown. Read from {@code /proc/self/limits}
         * where there is one: the platform MXBean that also knows it initialises the management
         * subsystem and reads the cgroups first (~40 classes, 10-30 ms of every start).
         */
        static long openFileLimit() {
            try {
                for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
                    if (!line.startsWith("Max open files")) continue;
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            } catch (java.io.IOException | RuntimeException notLinux) {
                // the MXBean below
            }
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.UnixOperatingSystemMXBean u) return Math.max(0, u.getMaxFileDescriptorCount());
            return 0;
        }
    }

    public ProxyOptions withClientLimits(ClientLimits limits) {
        return new ProxyOptions(maxBodyBytes, connectTimeout, connectTo, caFiles, bindAddress, logPromptChars, limits, maxBufferedBytes);
    }

    public ProxyOptions(long maxBodyBytes, Duration connectTimeout, Map<String, String> connectTo, List<Path> caFiles,
                        String bindAddress) {
        this(maxBodyBytes, connectTimeout, connectTo, caFiles, bindAddress, 0);
    }

    /** Logs up to {@code chars} characters of each prompt and completion in the access log; 0: never. */
    public ProxyOptions withLogPrompts(int chars) {
        return new ProxyOptions(maxBodyBytes, connectTimeout, connectTo, caFiles, bindAddress, chars, clientLimits, maxBufferedBytes);
    }
    public static final long DEFAULT_MAX_BODY = 10L * 1024 * 1024;

    public static ProxyOptions defaults() {
        return new ProxyOptions(DEFAULT_MAX_BODY, Duration.ofSeconds(10), Map.of(), List.of(), "0.0.0.0");
    }

    public ProxyOptions withConnectTo(Map<String, String> map) {
        return new ProxyOptions(maxBodyBytes, connectTimeout, Map.copyOf(map), caFiles, bindAddress, logPromptChars, clientLimits, maxBufferedBytes);
    }

    public ProxyOptions withCaFiles(List<Path> files) {
        return new ProxyOptions(maxBodyBytes, connectTimeout, connectTo, List.copyOf(files), bindAddress, logPromptChars, clientLimits, maxBufferedBytes);
    }

    public ProxyOptions withMaxBodyBytes(long max) {
        return new ProxyOptions(max, connectTimeout, connectTo, caFiles, bindAddress, logPromptChars, clientLimits, maxBufferedBytes);
    }

    public ProxyOptions withBindAddress(String address) {
        return new ProxyOptions(maxBodyBytes, connectTimeout, connectTo, caFiles, address, logPromptChars, clientLimits, maxBufferedBytes);
    }

    /** A quarter of the heap (at least 64 MiB): room for many whole bodies, never the whole heap. */
    public static long defaultMaxBuffered() {
        return Math.max(64L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 4);
    }

    public ProxyOptions withMaxBufferedBytes(long max) {
        if (max <= 0) throw new IllegalArgumentException("max buffered bytes must be positive: " + max);
        return new ProxyOptions(maxBodyBytes, connectTimeout, connectTo, caFiles, bindAddress, logPromptChars, clientLimits, max);
    }
}
