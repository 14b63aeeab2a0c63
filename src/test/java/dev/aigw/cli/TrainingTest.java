package dev.aigw.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The AOT cache's training run ({@code ai-gateway train}) is a real gateway in front of a real
 * HTTP upstream: every sample request must succeed, or the cache would be trained on error paths.
 */
class TrainingTest {
    @Test
    void everySampleRequestSucceeds() throws Exception {
        assertThat(Training.run(2)).isZero();
    }
}
