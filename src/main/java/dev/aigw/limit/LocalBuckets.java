package dev.aigw.limit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Local buckets by rule and spec, kept across snapshots: recompiling the config (a key rotated, a
 * route added) must not refill every bucket. A bucket whose spec changed is a new bucket.
 * Buckets of rules that disappear are dropped at the next {@link #retainOnly} (the compiler's
 * sweep), so the map stays as large as the config.
 */
public final class LocalBuckets {
    private final ConcurrentHashMap<String, LocalBucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanos;

    public LocalBuckets(LongSupplier nanos) {
        this.nanos = nanos;
    }

    public LocalBucket bucket(String ruleId, int index, LocalBucket.Spec spec) {
        return buckets.compute(ruleId + "#" + index, (k, b) -> b != null && b.spec().equals(spec) ? b : new LocalBucket(spec, nanos));
    }

    public void retainOnly(java.util.Set<String> ruleIds) {
        buckets.keySet().removeIf(k -> !ruleIds.contains(k.substring(0, k.lastIndexOf('#'))));
    }
}
