package dev.aigw.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A self-signed certificate for the providers' real host names, made once per test JVM with the
 * JDK's keytool, so fakes can serve real TLS and the gateway verifies it through {@code --ca-file}.
 */
public final class TestCerts {
    public static final String PASSWORD = "changeit";
    public static final List<String> HOSTS = List.of("api.openai.com", "api.anthropic.com",
            "generativelanguage.googleapis.com", "us-central1-aiplatform.googleapis.com", "aiplatform.googleapis.com",
            "apic.ocp.provider.com", "my-resource.openai.azure.com", "bedrock-runtime.eu-west-1.amazonaws.com",
            "bedrock-runtime.us-east-1.amazonaws.com", "api.mistral.ai", "modelarmor.europe-west4.rep.googleapis.com",
            "modelarmor.us-central1.rep.googleapis.com", "localhost");
    private static Path keyStore;
    private static Path pem;

    private TestCerts() {
    }

    public static synchronized Path keyStore() {
        if (keyStore == null) make();
        return keyStore;
    }

    public static synchronized Path caPem() {
        if (pem == null) make();
        return pem;
    }

    private static void make() {
        try {
            Path dir = Files.createTempDirectory("aigw-certs");
            keyStore = dir.resolve("server.p12");
            pem = dir.resolve("ca.pem");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            String san = "SAN=" + String.join(",", HOSTS.stream().map(h -> "dns:" + h).toList()) + ",ip:127.0.0.1";
            run(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=aigw-test", "-ext", san, "-validity", "2", "-storetype", "PKCS12",
                    "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
            run(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", keyStore.toString(),
                    "-storepass", PASSWORD, "-file", pem.toString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot make test certificates: " + e.getMessage(), e);
        }
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
}
