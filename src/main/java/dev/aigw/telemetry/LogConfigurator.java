package dev.aigw.telemetry;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.hook.DefaultShutdownHook;
import ch.qos.logback.core.spi.ContextAwareBase;

import java.util.function.Function;

/**
 * The gateway's logging setup, in code (found by logback through {@code META-INF/services}):
 * messages on stderr ({@code HH:mm:ss.SSS LEVEL Logger - message}), the access log's JSON lines
 * on stdout through {@link AccessLogAppender}, Netty and Vert.x at WARN, and a shutdown hook
 * that drains the access log. {@code AIGW_LOG_LEVEL} sets the root level and
 * {@code AIGW_ACCESS_LOG} the access log's ({@code OFF} silences it); both default to INFO.
 *
 * <p>Why not {@code logback.xml}: reading it (Joran, the JDK's XML parser, ~650 classes) cost
 * ~200 ms of CPU at every start, more than a third of the gateway's own start-up. A
 * {@code logback.configurationFile} system property or a {@code logback-test.xml} on the class
 * path still wins: then this configurator steps aside and logback reads that file.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";
    static final int ACCESS_QUEUE = 16384;

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        // A system property of the same name first, as logback.xml's ${AIGW_LOG_LEVEL:-INFO} read it.
        apply(context, name -> System.getProperty(name, System.getenv(name)));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Configures {@code context} as described above, with the levels read from {@code env}. */
    static void apply(LoggerContext context, Function<String, String> env) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        AccessLogAppender access = new AccessLogAppender();
        access.setContext(context);
        access.setName("ACCESS");
        access.setQueueSize(ACCESS_QUEUE);
        access.start();

        Logger accessLogger = context.getLogger("access");
        accessLogger.setLevel(level(env, "AIGW_ACCESS_LOG"));
        accessLogger.setAdditive(false);
        accessLogger.addAppender(access);
        context.getLogger("io.netty").setLevel(Level.WARN);
        context.getLogger("io.vertx").setLevel(Level.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level(env, "AIGW_LOG_LEVEL"));
        root.addAppender(stderr);

        // As logback.xml's <shutdownHook/> did: stops the appenders (the access log writes what is queued).
        DefaultShutdownHook hook = new DefaultShutdownHook();
        hook.setContext(context);
        Thread t = new Thread(hook, "Logback shutdown hook [" + context.getName() + "]");
        context.putObject(CoreConstants.SHUTDOWN_HOOK_THREAD, t);
        Runtime.getRuntime().addShutdownHook(t);
    }

    /** The level an environment variable names; unset means INFO, and a word logback does not know is reported and taken as INFO. */
    static Level level(Function<String, String> env, String name) {
        String v = env.apply(name);
        if (v == null || v.isBlank()) return Level.INFO;
        Level l = Level.toLevel(v.trim(), null);
        if (l == null) {
            System.err.println(name + "=" + v + " is not a log level (OFF, ERROR, WARN, INFO, DEBUG, TRACE, ALL); using INFO");
            return Level.INFO;
        }
        return l;
    }
}
