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
                           List<Path> caFiles, String bindAddress, int logPromptChars, long maxBufferedBytes) {

    public ProxyOptions(long maxBodyBytes, Duration connectTimeout, Map<String, String> connectTo, List<Path> caFiles,
                        String bindAddress) {
        this(maxBodyBytes, connectTimeout, connectTo, caFiles, bindAddress, 0, defaultMaxBuffered());
    }

    public ProxyOptions(long maxBodyBytes, Duration connectTimeout, Map<String, String> connectTo, List<Path> caFiles,
                        String bindAddress, int logPromptChars) {
        this(maxBodyBytes, connectTimeout, connectTo, caFiles, bindAddress, logPromptChars, defaultMaxBuffered());
    }

    /** A quarter of the heap (at least 64 MiB): room for many whole bodies, never the whole heap. */
    public static long defaultMaxBuffered() {
        return Math.max(64L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 4);
    }

    public ProxyOptions withMaxBufferedBytes(long max) {
        if (max <= 0) throw new IllegalArgumentException("max buffered bytes must be positive: " + max);
        return new ProxyOptions(maxBodyBytes, connectTimeout, connectTo, caFiles, bindAddress, logPromptChars, max);
    }

    /** Logs up to {@code chars} characters of each prompt and completion in the access log; 0: never. */
    public ProxyOptions withLogPrompts(int chars) {
        return new ProxyOptions(maxBodyBytes, connectTimeout, connectTo, caFiles, bindAddress, chars, maxBufferedBytes);
    }
    public static final long DEFAULT_MAX_BODY = 10L * 1024 * 1024;

    public static ProxyOptions defaults() {
        return new ProxyOptions(DEFAULT_MAX_BODY, Duration.ofSeconds(10), Map.of(), List.of(), "0.0.0.0");
    }

    public ProxyOptions withConnectTo(Map<String, String> map) {
        return new ProxyOptions(maxBodyBytes, connectTimeout, Map.copyOf(map), caFiles, bindAddress, logPromptChars, maxBufferedBytes);
    }

    public ProxyOptions withCaFiles(List<Path> files) {
        return new ProxyOptions(maxBodyBytes, connectTimeout, connectTo, List.copyOf(files), bindAddress, logPromptChars, maxBufferedBytes);
    }

    public ProxyOptions withMaxBodyBytes(long max) {
        return new ProxyOptions(max, connectTimeout, connectTo, caFiles, bindAddress, logPromptChars, maxBufferedBytes);
    }

    public ProxyOptions withBindAddress(String address) {
        return new ProxyOptions(maxBodyBytes, connectTimeout, connectTo, caFiles, address, logPromptChars, maxBufferedBytes);
    }
}
