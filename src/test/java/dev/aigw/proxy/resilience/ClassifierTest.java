package dev.aigw.proxy.resilience;

import dev.aigw.config.HttpRouteResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

class ClassifierTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "200, ", "204, ", "301, ",
            "400, ", "401, ", "403, ", "404, ", "409, ", "413, ", "422, ",
            "408, TIMEOUT_BEFORE_FIRST_BYTE",
            "429, HTTP_429",
            "500, HTTP_5XX", "502, HTTP_5XX", "503, HTTP_5XX", "504, HTTP_5XX",
            "529, OVERLOADED"})
    void statusTable(int status, FailureKind kind) {
        assertThat(Classifier.ofStatus(status)).isEqualTo(Optional.ofNullable(kind));
        assertThat(Classifier.retryableStatus(status)).isEqualTo(kind != null);
    }

    @Test
    void exceptions() {
        assertThat(Classifier.ofException(new ConnectException("Connection refused"), false)).isEqualTo(FailureKind.CONNECT);
        assertThat(Classifier.ofException(new UnknownHostException("nope"), false)).isEqualTo(FailureKind.CONNECT);
        assertThat(Classifier.ofException(new RuntimeException(new ConnectException()), false)).isEqualTo(FailureKind.CONNECT);
        assertThat(Classifier.ofException(new TimeoutException(), false)).isEqualTo(FailureKind.TIMEOUT_BEFORE_FIRST_BYTE);
        assertThat(Classifier.ofException(new IOException("Connection reset by peer"), false)).isEqualTo(FailureKind.RESET);
        assertThat(Classifier.ofException(new IllegalStateException("closed"), false)).isEqualTo(FailureKind.RESET);
        assertThat(Classifier.ofException(new ConnectException(), true)).isEqualTo(FailureKind.BROKEN_AFTER_FIRST_BYTE);
        for (FailureKind k : FailureKind.values()) {
            assertThat(Classifier.retryable(k)).as(k.name()).isEqualTo(k != FailureKind.BROKEN_AFTER_FIRST_BYTE);
        }
    }

    @Test
    void errorTypesInBodies() {
        assertThat(Classifier.ofErrorType("overloaded_error")).contains(FailureKind.OVERLOADED);
        assertThat(Classifier.ofErrorType("RESOURCE_EXHAUSTED")).contains(FailureKind.HTTP_429);
        assertThat(Classifier.ofErrorType("invalid_request_error")).isEmpty();
        assertThat(Classifier.ofErrorType(null)).isEmpty();
    }

    @Test
    void routeCodesReplaceTheDefaultStatusesButNetworkErrorsAlwaysRetry() {
        RetryPolicy p = RetryPolicy.of(Optional.of(new HttpRouteResource.Retry(List.of(503, 409), Optional.of(1),
                Optional.empty())));
        assertThat(p.retryable(FailureKind.HTTP_5XX, 503)).isTrue();
        assertThat(p.retryable(FailureKind.HTTP_5XX, 500)).isFalse();
        assertThat(p.retryable(FailureKind.HTTP_429, 429)).isFalse();
        assertThat(p.retryableStatus(409)).isTrue();
        assertThat(p.retryable(FailureKind.CONNECT, 0)).isTrue();
        assertThat(p.retryable(FailureKind.TIMEOUT_BEFORE_FIRST_BYTE, 0)).isTrue();
        assertThat(p.retryable(FailureKind.BROKEN_AFTER_FIRST_BYTE, 0)).isFalse();
        assertThat(p.maxAttempts(5)).isEqualTo(2);

        RetryPolicy d = RetryPolicy.DEFAULT;
        assertThat(d.retryable(FailureKind.HTTP_429, 429)).isTrue();
        assertThat(d.retryable(FailureKind.OVERLOADED, 529)).isTrue();
        assertThat(d.retryableStatus(400)).isFalse();
        assertThat(d.maxAttempts(3)).isEqualTo(3);
        assertThat(d.maxAttempts(0)).isEqualTo(1);
    }

    @Test
    void delays() {
        RetryPolicy d = RetryPolicy.DEFAULT;
        assertThat(d.delayBeforeRetry(1, false, n -> n - 1)).as("failover is immediate").isZero();
        assertThat(d.delayBeforeRetry(1, true, n -> n - 1)).isEqualTo(Duration.ofMillis(25));
        assertThat(d.delayBeforeRetry(3, true, n -> n - 1)).isEqualTo(Duration.ofMillis(100));
        assertThat(d.delayBeforeRetry(10, true, n -> n - 1)).as("capped").isEqualTo(Duration.ofMillis(250));
        assertThat(d.delayBeforeRetry(10, true, n -> 0)).as("full jitter reaches 0").isZero();
        RetryPolicy b = RetryPolicy.of(Optional.of(new HttpRouteResource.Retry(List.of(), Optional.empty(),
                Optional.of(Duration.ofMillis(100)))));
        assertThat(b.delayBeforeRetry(1, false, n -> 0)).as("backoff is a minimum").isEqualTo(Duration.ofMillis(100));
        assertThat(b.delayBeforeRetry(4, true, n -> n - 1)).isEqualTo(Duration.ofMillis(200));
        for (int i = 0; i < 100; i++) {
            assertThat(Backoff.jittered(2)).isBetween(Duration.ZERO, Duration.ofMillis(50));
        }
    }
}
