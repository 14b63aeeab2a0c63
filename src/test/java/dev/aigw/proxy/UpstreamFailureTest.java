package dev.aigw.proxy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketException;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamFailureTest {
    @Test
    void aConnectionResetBeforeTheHeadIsRetryable() {
        // What a killed provider's pooled keep-alive connection surfaces as (NIO and epoll).
        for (Throwable t : new Throwable[]{new SocketException("Connection reset"),
                new IOException("Connection reset by peer"), new RuntimeException(new SocketException("Connection reset"))}) {
            UpstreamFailure f = UpstreamFailure.classify("Backend b", t);
            assertThat(f.kind()).as(t.toString()).isEqualTo(UpstreamFailure.Kind.RESET);
            assertThat(f.retryable()).isTrue();
            assertThat(f.status()).isEqualTo(502);
        }
    }

    @Test
    void anUnknownFailureIsNotRetried() {
        UpstreamFailure f = UpstreamFailure.classify("Backend b", new IllegalStateException("boom"));
        assertThat(f.kind()).isEqualTo(UpstreamFailure.Kind.OTHER);
        assertThat(f.retryable()).isFalse();
    }
}
