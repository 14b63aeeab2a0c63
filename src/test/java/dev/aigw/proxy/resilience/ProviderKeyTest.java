package dev.aigw.proxy.resilience;

import dev.aigw.testing.RecordEquality;
import org.junit.jupiter.api.Test;

/** ProviderKey's written-out equals and hashCode behave as a record's own (see its comment). */
class ProviderKeyTest {
    @Test
    void equalComponentsMakeEqualKeysAndAnyOtherComponentADifferentOne() throws Exception {
        RecordEquality.check(ProviderKey.class, RecordEquality::simple);
    }
}
