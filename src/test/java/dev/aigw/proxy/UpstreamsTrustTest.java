package dev.aigw.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigw.testing.TestCerts;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/** The upstream trust: the JVM's store (loaded off the start-up path) plus --ca-file certificates. */
class UpstreamsTrustTest {

    private static X509Certificate testCa() throws Exception {
        try (InputStream in = Files.newInputStream(TestCerts.caPem())) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificates(in).iterator().next();
        }
    }

    @Test
    void theJvmsStoreIsLoadedInTheBackgroundAndTrustsWhatTheJvmTrusts() throws Exception {
        Upstreams.JvmTrust jvm = new Upstreams.JvmTrust();
        assertThat(jvm.getAcceptedIssuers()).hasSizeGreaterThan(20); // waits for the load
        X509Certificate ca = testCa();
        assertThatThrownBy(() -> jvm.checkServerTrusted(new X509Certificate[]{ca}, "RSA"))
                .isInstanceOf(CertificateException.class);
    }

    @Test
    void aCaFileIsTrustedBesidesTheJvmsStoreAndABadOneFailsTheStart() throws Exception {
        X509TrustManager tm = (X509TrustManager) Upstreams.trustManager(List.of(TestCerts.caPem()));
        assertThat(tm.getAcceptedIssuers()).contains(testCa()).hasSizeGreaterThan(20);
        var empty = Files.createTempFile("empty", ".pem");
        try {
            assertThatThrownBy(() -> Upstreams.trustManager(List.of(empty)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no certificates in");
        } finally {
            Files.deleteIfExists(empty);
        }
    }
}
