package dev.aigw.admin;

import java.util.Objects;
import java.util.Optional;

/**
 * The dashboard's switches. {@code adminToken}: required from every API caller when present, and
 * whenever the admin listener is not on loopback (then without one the API stays closed);
 * {@code tryIt}: whether {@code POST /api/try} may send prompts through the listeners (off by
 * default: it spends provider tokens on behalf of whoever can reach the admin listener).
 */
public record DashboardOptions(Optional<String> adminToken, boolean tryIt) {
    public static final DashboardOptions DEFAULTS = new DashboardOptions(Optional.empty(), false);

    public DashboardOptions {
        Objects.requireNonNull(adminToken, "adminToken");
    }

    @Override
    public String toString() {
        return "DashboardOptions[adminToken=" + (adminToken.isPresent() ? "<redacted>" : "none") + ", tryIt=" + tryIt + "]";
    }
}
