package dev.aigw.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogConfiguratorTest {

    @Test
    void theGatewaysLoggingIsSetUpInCodeWithTheLevelsFromTheEnvironment() {
        LoggerContext context = new LoggerContext();
        LogConfigurator.apply(context, Map.of("AIGW_ACCESS_LOG", "OFF", "AIGW_LOG_LEVEL", "debug")::get);
        try {
            Logger access = context.getLogger("access");
            assertThat(access.getLevel()).isEqualTo(Level.OFF);
            assertThat(access.isAdditive()).isFalse();
            assertThat(access.getAppender("ACCESS")).isInstanceOf(AccessLogAppender.class);
            assertThat(access.getAppender("ACCESS").isStarted()).isTrue();
            Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            assertThat(root.getLevel()).isEqualTo(Level.DEBUG);
            assertThat(root.getAppender("STDERR")).isInstanceOf(ConsoleAppender.class);
            assertThat(((ConsoleAppender<?>) root.getAppender("STDERR")).getTarget()).isEqualTo("System.err");
            assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
            assertThat(context.getLogger("io.vertx").getLevel()).isEqualTo(Level.WARN);
            assertThat(context.getObject(CoreConstants.SHUTDOWN_HOOK_THREAD)).isInstanceOf(Thread.class);
        } finally {
            Runtime.getRuntime().removeShutdownHook((Thread) context.getObject(CoreConstants.SHUTDOWN_HOOK_THREAD));
            context.stop();
        }
    }

    @Test
    void unsetLevelsAreInfoAndAnUnknownWordIsReportedAndTakenAsInfo() {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(LogConfigurator.level(Map.<String, String>of()::get, "AIGW_LOG_LEVEL")).isEqualTo(Level.INFO);
            assertThat(LogConfigurator.level(Map.of("AIGW_LOG_LEVEL", "loud")::get, "AIGW_LOG_LEVEL")).isEqualTo(Level.INFO);
        } finally {
            System.setErr(saved);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("AIGW_LOG_LEVEL=loud is not a log level").contains("using INFO");
    }

    @Test
    void logbackFindsItInsteadOfReadingAnXmlFile() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(context.getLogger("access").getAppender("ACCESS")).isInstanceOf(AccessLogAppender.class);
        assertThat(getClass().getClassLoader().getResource("logback.xml")).isNull();
    }
}
