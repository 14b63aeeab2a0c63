package dev.aigw.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real redis-server (Debian's package) on a free loopback port, in-memory only, its own
 * directory; {@link #kill} and {@link #restart} for failure tests (same port, empty data).
 */
public final class RedisServer implements AutoCloseable {
    private final int port;
    private final Path dir;
    private final String password;
    private Process process;

    private RedisServer(int port, String password) throws IOException {
        this.port = port;
        this.password = password;
        this.dir = Files.createTempDirectory("aigw-redis");
    }

    public static RedisServer start() throws Exception {
        return start(null);
    }

    public static RedisServer start(String password) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RedisServer r = new RedisServer(port, password);
        r.launch();
        return r;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    private void launch() throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
                "--loglevel", "warning"));
        if (password != null) cmd.addAll(List.of("--requirepass", password));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
            if (ping()) return;
            Thread.sleep(20);
        }
        throw new IllegalStateException("redis-server did not answer on port " + port);
    }

    private boolean ping() {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(1000);
            String auth = password == null ? "" : "AUTH " + password + "\r\n";
            s.getOutputStream().write((auth + "PING\r\n").getBytes());
            InputStream in = s.getInputStream();
            byte[] b = new byte[64];
            int n = in.read(b);
            return n > 0 && new String(b, 0, n).contains("PONG") || n > 0 && password != null && new String(b, 0, n).startsWith("+OK");
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends one inline command and returns the raw reply (for assertions on counters). */
    public String command(String line) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(2000);
            String auth = password == null ? "" : "AUTH " + password + "\r\n";
            s.getOutputStream().write((auth + line + "\r\nQUIT\r\n").getBytes());
            return new String(s.getInputStream().readAllBytes());
        }
    }

    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public void restart() throws Exception {
        kill();
        launch();
    }

    @Override
    public void close() throws Exception {
        if (process != null) kill();
    }
}
