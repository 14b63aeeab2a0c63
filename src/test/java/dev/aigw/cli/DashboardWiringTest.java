package dev.aigw.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DashboardWiringTest {
    @TempDir
    Path dir;

    @Test
    void theTokenComesFromTheFileElseTheEnvironment() throws Exception {
        Path f = Files.writeString(dir.resolve("token"), "from-the-file-0123456789\n");
        Map<String, String> env = Map.of(DashboardWiring.TOKEN_ENV, "from-the-environment-012345");
        assertThat(DashboardWiring.adminToken(f, env::get)).hasValue("from-the-file-0123456789");
        assertThat(DashboardWiring.adminToken(null, env::get)).hasValue("from-the-environment-012345");
        assertThat(DashboardWiring.adminToken(null, Map.<String, String>of()::get)).isEmpty();
    }

    @Test
    void aShortOrEmptyTokenIsRefusedSayingWhy() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "  \n");
        assertThatThrownBy(() -> DashboardWiring.adminToken(empty, k -> null)).isInstanceOf(IOException.class)
                .hasMessageContaining("is empty");
        Path shortOne = Files.writeString(dir.resolve("short"), "abc");
        assertThatThrownBy(() -> DashboardWiring.adminToken(shortOne, k -> null))
                .hasMessageContaining("shorter than 16 characters").hasMessageNotContaining("abc");
        assertThatThrownBy(() -> DashboardWiring.adminToken(dir.resolve("missing"), k -> null))
                .isInstanceOf(IOException.class);
    }
}
