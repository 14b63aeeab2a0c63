package dev.aigw.telemetry;

import dev.aigw.testing.RecordEquality;
import io.micrometer.core.instrument.Tags;
import org.junit.jupiter.api.Test;

/** The meter keys' written-out equals and hashCode behave as a record's own (see MetricsTelemetry). */
class MetricsTelemetryKeysTest {
    @Test
    void equalComponentsMakeEqualKeysAndAnyOtherComponentADifferentOne() throws Exception {
        for (String key : new String[]{"MeterKey", "Series", "RequestKey", "UpstreamKey", "SpendKey"}) {
            RecordEquality.check(Class.forName(MetricsTelemetry.class.getName() + "$" + key), (type, variant) ->
                    type == Tags.class ? Tags.of("k", variant == 0 ? "a" : "b") : RecordEquality.simple(type, variant));
        }
    }
}
