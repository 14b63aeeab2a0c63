package dev.aigw.telemetry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The dashboard's memory of recent traffic, in process (no database): a ring of 5-second slots
 * covering the last hour, each holding the figures of the requests that finished in it (overall,
 * and per route, model and provider), and a ring of the last {@value #RECENT} access records.
 * Fed as a {@link Telemetry} sink; read by the admin API as JSON ({@link #traffic},
 * {@link #recent}).
 *
 * <p>Latencies go into log-scale histograms (buckets a factor √2 apart, 1 ms to ~12 min), so
 * p50/p99 are exact to within that factor's half — enough for a chart, bounded in memory.
 * A slot allocates a cell only for the keys that had traffic in it, and at most
 * {@value #MAX_KEYS} keys per dimension and slot (then {@code other}); model keys go through
 * {@link ModelLabels}, so a client cannot create keys. Writers take the slot's lock for a few
 * additions once per request; readers take the same locks one slot at a time.
 *
 * <p>It is one class (over the usual length) because the ring, its cells and the two JSON views
 * share the slot layout and its lock discipline; split, each part would expose the others' internals.
 */
public final class TrafficRing implements ExchangeRecord.Sink {
    static final int SLOT_MILLIS = 5_000;
    static final int SLOTS = 60 * 60 * 1000 / SLOT_MILLIS + 1;
    static final int RECENT = 500;
    static final int MAX_KEYS = 256;
    private static final int BUCKETS = 40;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** One finished request as the access log has it; prompt and completion only with --log-prompts. */
    public record Entry(Instant start, String requestId, String method, String path, String route, String backend,
                        String provider, String model, int status, double durationMs, Double ttfbMs, Long tokensIn,
                        Long tokensOut, boolean streamed, int attempts, String failure, String client,
                        String prompt, String completion) {
    }

    private final ModelLabels models;
    private final LongSupplier wallMillis;
    private final LongSupplier nanoTime;
    private final Slot[] slots = new Slot[SLOTS];
    private final Entry[] recent = new Entry[RECENT];
    private long recentCount;

    public TrafficRing(Supplier<Set<String>> knownModels) {
        this(knownModels, System::currentTimeMillis, System::nanoTime);
    }

    TrafficRing(Supplier<Set<String>> knownModels, LongSupplier wallMillis, LongSupplier nanoTime) {
        this.models = new ModelLabels(knownModels);
        this.wallMillis = wallMillis;
        this.nanoTime = nanoTime;
        for (int i = 0; i < SLOTS; i++) slots[i] = new Slot();
    }

    @Override
    public LongSupplier nanoTime() {
        return nanoTime;
    }

    /** Log-scale bucket of a duration: bucket i holds (√2^(i-1), √2^i] ms, bucket 0 up to 1 ms. */
    static int bucket(double ms) {
        if (ms <= 1) return 0;
        int b = (int) Math.ceil(2 * Math.log(ms) / Math.log(2));
        return Math.min(BUCKETS - 1, Math.max(0, b));
    }

    /** The upper bound of a bucket in ms. */
    static double upper(int bucket) {
        return Math.pow(2, bucket / 2.0);
    }

    /**
     * Requests by status code: a few codes per cell, so two short arrays searched in order (a
     * TreeMap boxed the code and the sum on every request, in four cells).
     */
    static final class StatusCounts {
        private int[] codes = new int[4];
        private long[] counts = new long[4];
        private int n;

        void add(int status, long k) {
            for (int i = 0; i < n; i++) {
                if (codes[i] == status) {
                    counts[i] += k;
                    return;
                }
            }
            if (n == codes.length) {
                codes = java.util.Arrays.copyOf(codes, 2 * n);
                counts = java.util.Arrays.copyOf(counts, 2 * n);
            }
            codes[n] = status;
            counts[n++] = k;
        }

        void addAll(StatusCounts o) {
            for (int i = 0; i < o.n; i++) add(o.codes[i], o.counts[i]);
        }

        /** Each code with its count, in ascending order of code. */
        void forEachSorted(java.util.function.ObjLongConsumer<Integer> each) {
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) order[i] = i;
            java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> codes[i]));
            for (Integer i : order) each.accept(codes[i], counts[i]);
        }
    }

    /** Figures of one key in one slot (or summed over several). Guarded by the slot's lock while in a slot. */
    static final class Cell {
        long requests;
        long errors;
        long tokensIn;
        long tokensOut;
        final StatusCounts byStatus = new StatusCounts();
        final int[] latency = new int[BUCKETS];
        final int[] ttft = new int[BUCKETS];

        /** {@code latencyBucket} and {@code ttftBucket} (-1: none) as {@link #bucket} has them. */
        void add(int status, int latencyBucket, int ttftBucket, long in, long out) {
            requests++;
            if (status >= 400 || status == 0) errors++;
            byStatus.add(status, 1);
            tokensIn += in;
            tokensOut += out;
            latency[latencyBucket]++;
            if (ttftBucket >= 0) ttft[ttftBucket]++;
        }

        void addAll(Cell c) {
            requests += c.requests;
            errors += c.errors;
            tokensIn += c.tokensIn;
            tokensOut += c.tokensOut;
            byStatus.addAll(c.byStatus);
            for (int i = 0; i < BUCKETS; i++) {
                latency[i] += c.latency[i];
                ttft[i] += c.ttft[i];
            }
        }

        /** The q-quantile (0..1) in ms, null when nothing was recorded. */
        static Double quantile(int[] h, double q) {
            long n = 0;
            for (int v : h) n += v;
            if (n == 0) return null;
            long rank = Math.max(1, (long) Math.ceil(q * n));
            long seen = 0;
            for (int i = 0; i < h.length; i++) {
                seen += h[i];
                if (seen >= rank) return upper(i);
            }
            return upper(h.length - 1);
        }
    }

    /** The dimensions a slot is kept by, as the API names them. */
    private static final List<String> DIMENSIONS = List.of("route", "model", "provider");

    private static final class Slot {
        long epoch = -1;
        Cell total = new Cell();
        /** Per dimension (index into DIMENSIONS): key to cell. */
        final List<Map<String, Cell>> byKey = List.of(new HashMap<>(), new HashMap<>(), new HashMap<>());

        void reset(long epoch) {
            this.epoch = epoch;
            total = new Cell();
            for (Map<String, Cell> m : byKey) m.clear();
        }
    }

    private void record(Entry e, String modelKey, double ttftMs) {
        long now = wallMillis.getAsLong();
        long epoch = now / SLOT_MILLIS;
        Slot slot = slots[(int) (epoch % SLOTS)];
        long in = e.tokensIn() == null ? 0 : e.tokensIn();
        long out = e.tokensOut() == null ? 0 : e.tokensOut();
        // Once per request, not once per cell (a logarithm each).
        int lb = bucket(e.durationMs());
        int tb = ttftMs >= 0 ? bucket(ttftMs) : -1;
        int status = e.status();
        synchronized (slot) {
            if (slot.epoch != epoch) slot.reset(epoch);
            slot.total.add(status, lb, tb, in, out);
            if (e.route() != null) cell(slot.byKey.get(0), e.route()).add(status, lb, tb, in, out);
            if (!modelKey.isEmpty()) cell(slot.byKey.get(1), modelKey).add(status, lb, tb, in, out);
            if (e.provider() != null) cell(slot.byKey.get(2), e.provider()).add(status, lb, tb, in, out);
        }
        synchronized (recent) {
            recent[(int) (recentCount++ % RECENT)] = e;
        }
    }

    private static Cell cell(Map<String, Cell> cells, String key) {
        Cell c = cells.get(key);
        if (c != null) return c;
        return cells.computeIfAbsent(cells.size() >= MAX_KEYS ? ModelLabels.OTHER : key, k -> new Cell());
    }

    /**
     * The figures of the last {@code minutes} (5, 15 or 60) as 60 points, plus one summary row
     * per key of dimension {@code by} ({@code route}, {@code model}, {@code provider}; null: none).
     * {@code key} (may be null) restricts the points to that key of {@code by}.
     */
    public ObjectNode traffic(int minutes, String by, String key) {
        int steps = 60;
        int slotsPerStep = Math.max(1, minutes * 60_000 / SLOT_MILLIS / steps);
        long nowEpoch = wallMillis.getAsLong() / SLOT_MILLIS;
        // The current slot is still filling: end with the last complete one.
        long endEpoch = nowEpoch;
        long firstEpoch = endEpoch - (long) steps * slotsPerStep + 1;
        int dim = by == null ? -1 : DIMENSIONS.indexOf(by);
        if (by != null && dim < 0) throw new IllegalArgumentException("by: " + by + " (expected: " + DIMENSIONS + ")");
        double stepSeconds = slotsPerStep * SLOT_MILLIS / 1000.0;
        ObjectNode outNode = JSON.objectNode();
        outNode.put("minutes", minutes);
        outNode.put("stepSeconds", stepSeconds);
        outNode.put("end", (endEpoch + 1) * SLOT_MILLIS);
        if (by != null) outNode.put("by", by);
        if (key != null) outNode.put("key", key);
        ArrayNode points = outNode.putArray("points");
        Cell total = new Cell();
        Map<String, Cell> groups = new TreeMap<>();
        for (int s = 0; s < steps; s++) {
            Cell step = new Cell();
            for (int k = 0; k < slotsPerStep; k++) {
                long epoch = firstEpoch + (long) s * slotsPerStep + k;
                Slot slot = slots[(int) (epoch % SLOTS)];
                synchronized (slot) {
                    if (slot.epoch != epoch) continue;
                    Cell c = dim < 0 || key == null ? slot.total : slot.byKey.get(dim).get(key);
                    if (c != null) step.addAll(c);
                    if (dim < 0) continue;
                    slot.byKey.get(dim).forEach((name, cell) ->
                            groups.computeIfAbsent(name, n -> new Cell()).addAll(cell));
                }
            }
            total.addAll(step);
            ObjectNode p = figures(step, stepSeconds);
            p.put("t", (firstEpoch + (long) s * slotsPerStep) * SLOT_MILLIS);
            points.add(p);
        }
        outNode.set("total", figures(total, minutes * 60.0));
        if (dim >= 0) {
            ArrayNode g = outNode.putArray("groups");
            groups.forEach((name, c) -> g.add(figures(c, minutes * 60.0).put("key", name)));
        }
        return outNode;
    }

    private static ObjectNode figures(Cell c, double seconds) {
        ObjectNode n = JSON.objectNode();
        n.put("requests", c.requests);
        n.put("rps", round(c.requests / seconds));
        n.put("errors", c.errors);
        ObjectNode st = n.putObject("byStatus");
        c.byStatus.forEachSorted((k, v) -> st.put(Integer.toString(k), v));
        n.put("tokensIn", c.tokensIn);
        n.put("tokensOut", c.tokensOut);
        n.put("tokensInPerSec", round(c.tokensIn / seconds));
        n.put("tokensOutPerSec", round(c.tokensOut / seconds));
        putMs(n, "p50Ms", Cell.quantile(c.latency, 0.5));
        putMs(n, "p99Ms", Cell.quantile(c.latency, 0.99));
        putMs(n, "ttftP50Ms", Cell.quantile(c.ttft, 0.5));
        putMs(n, "ttftP99Ms", Cell.quantile(c.ttft, 0.99));
        return n;
    }

    private static void putMs(ObjectNode n, String name, Double v) {
        if (v == null) n.putNull(name);
        else n.put(name, round(v));
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** The last {@code limit} (at most {@value #RECENT}) records that pass {@code filter}, newest first. */
    public List<Entry> recentEntries(int limit, Predicate<Entry> filter) {
        List<Entry> out = new ArrayList<>();
        synchronized (recent) {
            long first = Math.max(0, recentCount - RECENT);
            for (long i = recentCount - 1; i >= first && out.size() < limit; i--) {
                Entry e = recent[(int) (i % RECENT)];
                if (filter.test(e)) out.add(e);
            }
        }
        return out;
    }

    /**
     * The recent records as JSON, newest first. Filters (each null for any): {@code status} an
     * exact code, {@code 4xx}/{@code 5xx}, or {@code error} (any status ≥ 400); {@code route},
     * {@code provider} and {@code model} exact; {@code text} a substring of the request id or path.
     */
    public ObjectNode recent(int limit, String status, String route, String provider, String model, String text) {
        Predicate<Entry> f = e -> matchesStatus(e.status(), status)
                && (route == null || route.equals(e.route()))
                && (provider == null || provider.equals(e.provider()))
                && (model == null || model.equals(e.model()))
                && (text == null || e.requestId().contains(text) || e.path().contains(text));
        ObjectNode out = JSON.objectNode();
        out.put("capacity", RECENT);
        ArrayNode items = out.putArray("requests");
        for (Entry e : recentEntries(Math.max(1, Math.min(limit, RECENT)), f)) {
            ObjectNode n = items.addObject();
            n.put("start", e.start().toString());
            n.put("requestId", e.requestId());
            n.put("method", e.method());
            n.put("path", e.path());
            n.put("route", e.route());
            n.put("backend", e.backend());
            n.put("provider", e.provider());
            n.put("model", e.model());
            n.put("status", e.status());
            n.put("durationMs", e.durationMs());
            n.put("ttfbMs", e.ttfbMs());
            n.put("tokensIn", e.tokensIn());
            n.put("tokensOut", e.tokensOut());
            n.put("streamed", e.streamed());
            n.put("attempts", e.attempts());
            n.put("failure", e.failure());
            n.put("client", e.client());
            if (e.prompt() != null) n.put("prompt", e.prompt());
            if (e.completion() != null) n.put("completion", e.completion());
        }
        return out;
    }

    private static boolean matchesStatus(int s, String f) {
        if (f == null || f.isEmpty()) return true;
        return switch (f.toLowerCase(Locale.ROOT)) {
            case "error" -> s >= 400 || s == 0;
            case "2xx" -> s >= 200 && s < 300;
            case "4xx" -> s >= 400 && s < 500;
            case "5xx" -> s >= 500;
            default -> f.equals(Integer.toString(s));
        };
    }

    private static final int MAX_FIELD = 512;

    private static String bound(String s) {
        return s == null || s.length() <= MAX_FIELD ? s : s.substring(0, MAX_FIELD);
    }

    /** kind/name of the last provider seen: the same config strings request after request, joined once. */
    private record ProviderLabel(String kind, String name, String label) {
    }

    // Immutable, so a plain field is safe to share between event loops (at worst two build it).
    private ProviderLabel lastProvider;

    private String provider(String kind, String name) {
        ProviderLabel p = lastProvider;
        if (p == null || p.kind() != kind || p.name() != name) {
            p = new ProviderLabel(kind, name, kind + "/" + name);
            lastProvider = p;
        }
        return p.label();
    }

    /** The exchange's figures and its entry in the recent records. */
    @Override
    public void ended(ExchangeRecord r) {
        RequestInfo info = r.info;
        double duration = (r.endNanos - info.startNanos()) / 1e6;
        // Time to first token is the first streamed bytes; a whole body has none of its own.
        double ttft = r.streamed && r.firstChunkNanos >= 0 ? (r.firstChunkNanos - info.startNanos()) / 1e6 : -1;
        String model = r.requestedModel;
        String modelKey = models.label(model);
        Usage usage = r.usage;
        String provider = r.providerKind == null ? null : provider(r.providerKind, r.providerName);
        Entry e = new Entry(info.startTime(), bound(info.requestId()), info.method(), bound(info.path()), r.route,
                r.backend, provider, bound(model), r.status, round(duration),
                r.ttfbNanos >= 0 ? round((r.ttfbNanos - info.startNanos()) / 1e6) : null,
                usage == null ? null : usage.input(), usage == null ? null : usage.output(), r.streamed, r.attempts,
                bound(r.failure), r.caller == null ? info.clientAddress() : bound(r.caller) + " @ " + info.clientAddress(),
                r.prompt, r.completion);
        record(e, modelKey, ttft);
    }
}
