package dev.aigw.governance;

import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The governance of the last few snapshot generations: published before its snapshot is
 * applied, looked up by the generation a request read, so a request always sees the governance
 * compiled with its own snapshot.
 */
public final class GovernanceTables {
    private static final int KEEP = 8;
    private final ConcurrentSkipListMap<Long, Governance> byGeneration = new ConcurrentSkipListMap<>();
    private volatile Governance latest = Governance.EMPTY;

    public void publish(long generation, Governance g) {
        byGeneration.put(generation, g);
        latest = g;
        while (byGeneration.size() > KEEP) byGeneration.pollFirstEntry();
    }

    public Governance get(long generation) {
        Governance g = byGeneration.get(generation);
        return g != null ? g : latest;
    }

    public Governance latest() {
        return latest;
    }
}
