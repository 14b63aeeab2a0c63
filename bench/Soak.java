import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of bench/soak.sh (not a test): STREAMS clients that each loop streaming chat
 * requests against the gateway, and SLOW slowloris connections that send a request head one byte
 * at a time, for SECONDS. Classifies every request:
 * <ul>
 *   <li>ok: 200 and the stream ended with {@code [DONE]};</li>
 *   <li>cut-with-error: 200, then the stream ended with an {@code error} event (or an error object);</li>
 *   <li>cut-silently: 200, then the stream ended without either (a failure the soak reports);</li>
 *   <li>failed-before-head: no response head, or a status other than 200.</li>
 * </ul>
 * Slowloris connections count as cut (by the gateway; with the longest time one was held), or as
 * sent-whole-head (a failure: no head timeout), or open-at-end. Prints one line of counts and exits
 * 1 when any request failed before its head, was cut silently, or a slowloris head got through.
 *
 * <pre>java bench/Soak.java URL STREAMS SLOW SECONDS</pre>
 */
public class Soak {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        int streams = Integer.parseInt(args[1]);
        int slow = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[3]);
        URI uri = URI.create(url);
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        ConcurrentHashMap<String, AtomicLong> counts = new ConcurrentHashMap<>();
        ConcurrentHashMap<String, String> examples = new ConcurrentHashMap<>();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String body = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"soak\"}]}";
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < streams; i++) {
                pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        String kind;
                        String detail = "";
                        try {
                            HttpResponse<java.util.stream.Stream<String>> r = http.send(HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                    HttpResponse.BodyHandlers.ofLines());
                            if (r.statusCode() != 200) {
                                kind = "failed-before-head";
                                detail = "status " + r.statusCode() + ": " + String.join(" ", r.body().limit(3).toList());
                            } else {
                                String[] last = {""};
                                boolean[] done = {false};
                                boolean[] error = {false};
                                try {
                                    r.body().forEach(l -> {
                                        if (l.equals("data: [DONE]")) done[0] = true;
                                        if (l.startsWith("event: error") || l.contains("\"error\"")) error[0] = true;
                                        if (!l.isBlank()) last[0] = l;
                                    });
                                } catch (RuntimeException e) {
                                    detail = "read: " + e;
                                }
                                kind = done[0] ? "ok" : error[0] ? "cut-with-error" : "cut-silently";
                                if (detail.isEmpty()) detail = "last line: " + last[0];
                            }
                        } catch (Exception e) {
                            kind = "failed-before-head";
                            detail = e.toString();
                        }
                        counts.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
                        examples.putIfAbsent(kind, detail);
                    }
                });
            }
            for (int i = 0; i < slow; i++) {
                pool.submit(() -> {
                    byte[] head = ("POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: "
                            + "a".repeat(200) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                    while (System.nanoTime() < end) {
                        long opened = System.nanoTime();
                        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
                            OutputStream out = s.getOutputStream();
                            String kind = "slowloris-open-at-end";
                            for (byte b : head) {
                                if (System.nanoTime() >= end) break;
                                out.write(b);
                                out.flush();
                                Thread.sleep(1_000);
                            }
                            if (System.nanoTime() < end) kind = "slowloris-sent-whole-head";
                            counts.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
                        } catch (Exception e) {
                            // Cut by the gateway, as it should: note how long it held on, and open another.
                            counts.computeIfAbsent("slowloris-cut", k -> new AtomicLong()).incrementAndGet();
                            long held = (System.nanoTime() - opened) / 1_000_000_000L;
                            counts.computeIfAbsent("slowloris-longest-held-s", k -> new AtomicLong()).accumulateAndGet(held, Math::max);
                        }
                    }
                });
            }
        }
        StringBuilder line = new StringBuilder("soak:");
        new java.util.TreeMap<>(counts).forEach((k, v) -> line.append(' ').append(k).append('=').append(v.get()));
        System.out.println(line);
        examples.forEach((k, v) -> System.out.println("  e.g. " + k + ": " + (v.length() > 300 ? v.substring(0, 300) : v)));
        long bad = counts.getOrDefault("failed-before-head", new AtomicLong()).get()
                + counts.getOrDefault("cut-silently", new AtomicLong()).get()
                + counts.getOrDefault("slowloris-sent-whole-head", new AtomicLong()).get();
        System.exit(bad == 0 ? 0 : 1);
    }
}
