package dev.aigw.cli;

import dev.aigw.admin.DashboardOptions;
import dev.aigw.config.FileSource;
import dev.aigw.config.Problem;
import dev.aigw.config.ResourceStore;
import dev.aigw.kube.KubeOptions;
import dev.aigw.proxy.ProxyOptions;
import dev.aigw.route.SnapshotCompiler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code ai-gateway run|validate}: see {@code --help}. */
@Command(name = "ai-gateway", mixinStandardHelpOptions = true, version = "ai-gateway 0.1.0",
        description = "An AI gateway that serves kgateway's Backend, HTTPRoute and Gateway resources.",
        subcommands = {Main.Run.class, Main.Validate.class, Main.Train.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        StartupPhases.mainEntered(System.getenv("AIGW_LAUNCHED_AT"));
        EarlyInit.start();
        JacksonInit.start();
        dev.aigw.proxy.WireDefaults.apply(); // before anything loads Netty or Vert.x
        // The common start, `run` with long options, is read without picocli (see RunArgs); anything
        // else (help, a mistake, another command) is picocli's, with its messages.
        Run run = RunArgs.parse(args);
        System.exit(run != null ? RunArgs.call(run) : new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static class ConfigOptions {
        @Option(names = {"-f", "--file"}, paramLabel = "PATH",
                description = "A YAML file or directory of resources (repeatable; `run` needs one unless --kubernetes).")
        List<Path> files = new ArrayList<>();

        @Option(names = "--port", paramLabel = "PORT",
                description = "Listener port of the implicit Gateway kgateway-system/ai-gateway, used when the "
                        + "config defines no Gateway (default: ${DEFAULT-VALUE}).")
        int implicitPort = 8080;

        @Option(names = "--max-config-bytes", paramLabel = "BYTES",
                description = "Largest config file (and Kubernetes object) read, in bytes (default: ${DEFAULT-VALUE}, 64 MiB).")
        long maxConfigBytes = 67108864;

        /** Applies the options that are process-wide; false (with the message printed) when one is invalid. */
        boolean apply() {
            try {
                dev.aigw.config.YamlResources.maxBytes(maxConfigBytes);
                return true;
            } catch (IllegalArgumentException e) {
                System.err.println("--max-config-bytes: " + e.getMessage());
                return false;
            }
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Start the gateway.")
    static final class Run implements Callable<Integer> {
        @CommandLine.Mixin
        ConfigOptions config = new ConfigOptions();

        @Option(names = "--admin-address", description = "Admin listen address (default: ${DEFAULT-VALUE}).")
        String adminAddress = "127.0.0.1";

        @Option(names = "--admin-port", description = "Admin port (default: ${DEFAULT-VALUE}).")
        int adminPort = 19000;

        @Option(names = "--bind-address", description = "Address the listeners bind (default: ${DEFAULT-VALUE}).")
        String bindAddress = "0.0.0.0";

        @Option(names = "--max-body-bytes", description = "Largest request body accepted (default: ${DEFAULT-VALUE}).")
        long maxBodyBytes = 10485760;

        @Option(names = "--max-buffered-bytes", paramLabel = "BYTES", description = "Most bytes held in memory across all "
                + "requests at once (bodies read whole); over it requests get 503 (default: a quarter of the heap, at least 64 MiB).")
        Long maxBufferedBytes;

        @Option(names = "--ca-file", paramLabel = "PEM", description = "Extra CA certificates to trust for upstream TLS, besides the JVM's (repeatable).")
        List<Path> caFiles = new ArrayList<>();

        @Option(names = "--connect-to", paramLabel = "HOST:PORT=ADDR:PORT",
                description = "Connect to ADDR:PORT instead of HOST:PORT for upstream requests; Host, SNI and certificate checks keep HOST (repeatable).")
        List<String> connectTo = new ArrayList<>();

        @Option(names = "--kubernetes", description = "Also serve the resources of a Kubernetes cluster (client "
                + "config: in-cluster service account, $KUBECONFIG or ~/.kube/config), and write their status.")
        boolean kubernetes;

        @Option(names = "--namespace", paramLabel = "NS", description = "With --kubernetes: a namespace to watch "
                + "(repeatable; default: all namespaces).")
        List<String> namespaces = new ArrayList<>();

        @Option(names = "--gateway-class", paramLabel = "NAME", description = "With --kubernetes: a GatewayClass "
                + "whose Gateways this deployment serves (repeatable; default: " + KubeOptions.DEFAULT_GATEWAY_CLASS + " and "
                + KubeOptions.AGENTGATEWAY_CLASS + ").")
        List<String> gatewayClasses = new ArrayList<>();

        @Option(names = "--lease-namespace", paramLabel = "NS", description = "With --kubernetes: the namespace of the "
                + "leader-election Lease (only the leader writes status; default: the pod's namespace).")
        String leaseNamespace;

        @Option(names = "--log-prompts", paramLabel = "CHARS",
                description = "Put up to CHARS characters of each prompt and completion in the access log. "
                        + "Off (0) by default: prompts can hold personal data (default: ${DEFAULT-VALUE}).")
        int logPrompts = 0;

        @Option(names = "--model-catalog", paramLabel = "PATH", description = "A model cost catalog (agentgateway's "
                + "format: providers.<p>.models.<m>.rates, USD per million tokens) over the built-in one, model by model.")
        java.nio.file.Path modelCatalog;

        @Option(names = "--admin-token-file", paramLabel = "PATH",
                description = "The admin token (e.g. a mounted Secret's key) that the dashboard's API requires; "
                        + "default: $" + DashboardWiring.TOKEN_ENV + ". Needed when --admin-address is not loopback.")
        Path adminTokenFile;

        @Option(names = "--admin-try-it", description = "Let the dashboard's \"Try it\" send prompts through the "
                + "listeners (off by default: it spends provider tokens).")
        boolean adminTryIt;

        @Option(names = "--request-header-timeout", paramLabel = "DURATION",
                description = "A client must send a whole request head within this long of its first byte, "
                        + "else 408 and the connection closes (slowloris; default: ${DEFAULT-VALUE}).")
        String headerTimeout = "10s";

        @Option(names = "--request-body-idle-timeout", paramLabel = "DURATION",
                description = "The longest pause allowed inside a request body (default: ${DEFAULT-VALUE}).")
        String bodyIdleTimeout = "30s";

        @Option(names = "--request-body-min-rate", paramLabel = "BYTES_PER_S",
                description = "The slowest request body accepted, averaged over 10 s windows; 0: no minimum "
                        + "(default: ${DEFAULT-VALUE}).")
        long bodyMinRate = 100;

        @Option(names = "--max-client-connections", paramLabel = "N",
                description = "Most client connections one listener port holds; more are closed at once "
                        + "(default: 10000, or half the process's file-descriptor limit if lower).")
        Integer maxClientConnections;

        @Option(names = "--watch-interval", description = "How often files are checked for changes; 0 turns watching off (default: ${DEFAULT-VALUE}).")
        String watchInterval = "1s";

        @Override
        public Integer call() throws Exception {
            Started s = start(System::getenv);
            if (s.app() == null) return s.exitCode();
            GatewayApp app = s.app();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                app.close();
                stop.countDown();
            }, "shutdown"));
            stop.await();
            return 0;
        }

        /** A started gateway, or (app null) the exit code of a start that failed, its message printed. */
        record Started(GatewayApp app, int exitCode) {
        }

        /** Checks the options and starts the gateway with {@code env} as its environment (the training run passes its own). */
        Started start(java.util.function.Function<String, String> env) {
            if (!config.apply()) return new Started(null, 2);
            if (config.files.isEmpty() && !kubernetes) {
                System.err.println("ai-gateway run: give the configuration with -f PATH, or --kubernetes");
                return new Started(null, 2);
            }
            // The first config read starts now, beside the rest of the start: it is the start-up's
            // critical path, and checking the options and setting up logging take ~40 ms (FirstRead).
            FirstRead.startEarly(config.files, new dev.aigw.route.SnapshotCompiler.Options(config.implicitPort, env, !kubernetes));
            if (!kubernetes && (!namespaces.isEmpty() || !gatewayClasses.isEmpty() || leaseNamespace != null)) {
                System.err.println("ai-gateway run: --namespace, --gateway-class and --lease-namespace need --kubernetes");
                return new Started(null, 2);
            }
            Map<String, String> ct = new LinkedHashMap<>();
            for (String s : connectTo) {
                String[] kv = s.split("=", 2);
                if (kv.length != 2 || !kv[0].contains(":") || !kv[1].contains(":")) {
                    System.err.println("--connect-to " + s + ": expected HOST:PORT=ADDR:PORT");
                    return new Started(null, 2);
                }
                ct.put(kv[0], kv[1]);
            }
            ProxyOptions proxy = ProxyOptions.defaults().withBindAddress(bindAddress).withMaxBodyBytes(maxBodyBytes)
                    .withCaFiles(caFiles).withConnectTo(ct).withLogPrompts(Math.max(0, logPrompts));
            if (maxBufferedBytes != null) {
                if (maxBufferedBytes <= 0) {
                    System.err.println("--max-buffered-bytes " + maxBufferedBytes + ": expected a positive number of bytes");
                    return new Started(null, 2);
                }
                proxy = proxy.withMaxBufferedBytes(maxBufferedBytes);
            }
            Duration watch;
            try {
                watch = parseDuration(watchInterval);
                proxy = proxy.withClientLimits(new ProxyOptions.ClientLimits(
                        parseDuration("--request-header-timeout", headerTimeout),
                        parseDuration("--request-body-idle-timeout", bodyIdleTimeout), bodyMinRate,
                        maxClientConnections == null ? ProxyOptions.ClientLimits.defaultMaxConnections()
                                : maxClientConnections));
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return new Started(null, 2);
            }
            GatewayApp.Settings settings = new GatewayApp.Settings(config.files, config.implicitPort, adminAddress,
                    adminPort, proxy, watch, env);
            if (kubernetes) settings = settings.withKubernetes(kubeOptions(this));
            if (modelCatalog != null) settings = settings.withModelCatalog(modelCatalog);
            DashboardOptions dashboard;
            try {
                dashboard = new DashboardOptions(DashboardWiring.adminToken(adminTokenFile, env), adminTryIt);
            } catch (java.io.IOException e) {
                System.err.println("ai-gateway run: " + e.getMessage());
                return new Started(null, 2);
            }
            try {
                return new Started(GatewayApp.start(settings, dashboard), 0);
            } catch (GatewayApp.StartupException e) {
                System.err.println("ai-gateway did not start: " + e.getMessage());
                for (Problem p : e.problems()) if (p.isError()) System.err.println("  " + p);
                return new Started(null, 1);
            }
        }
    }

    private static KubeOptions kubeOptions(Run run) {
        String identity = System.getenv("POD_NAME");
        if (identity == null || identity.isEmpty()) identity = System.getenv("HOSTNAME");
        if (identity == null || identity.isEmpty()) identity = "ai-gateway-" + UUID.randomUUID();
        KubeOptions o = KubeOptions.defaults(identity).withNamespaces(run.namespaces)
                .withLeaseNamespace(run.leaseNamespace);
        if (!run.gatewayClasses.isEmpty()) o = o.withGatewayClasses(new LinkedHashSet<>(run.gatewayClasses));
        return o;
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check the configuration and print every problem; exit 1 when there is one.")
    static final class Validate implements Callable<Integer> {
        @CommandLine.Mixin
        ConfigOptions config;

        // `validate FILE` reads as `validate -f FILE`: what a user types first.
        @CommandLine.Parameters(paramLabel = "PATH", arity = "0..*",
                description = "YAML files or directories, as with -f.")
        List<Path> paths = new ArrayList<>();

        @Override
        public Integer call() {
            if (!config.apply()) return 2;
            config.files.addAll(paths);
            if (config.files.isEmpty()) {
                System.err.println("ai-gateway validate: give the configuration: ai-gateway validate PATH (or -f PATH)");
                return 2;
            }
            FileSource.Load load = new FileSource(config.files).load();
            SnapshotCompiler.Result r = SnapshotCompiler.compile(new ResourceStore().allWith(FileSource.SOURCE,
                    load.resources()), 1, new SnapshotCompiler.Options(config.implicitPort, System::getenv));
            List<Problem> problems = new ArrayList<>(load.problems());
            problems.addAll(r.problems());
            // Governance (AgentgatewayPolicy traffic): compiled too; its clients connect only on use, so nothing is opened.
            io.vertx.core.Vertx vx = io.vertx.core.Vertx.vertx();
            try (dev.aigw.governance.GovernanceRuntime g = new dev.aigw.governance.GovernanceRuntime(vx, null,
                    dev.aigw.cost.Catalog.defaults())) {
                problems.addAll(dev.aigw.governance.GovernanceCompiler.compile(new ResourceStore().allWith(FileSource.SOURCE,
                        load.resources()), 1, g).problems());
            } finally {
                vx.close();
            }
            for (Problem p : problems) System.out.println(p);
            long bad = problems.stream().filter(p -> p.severity() == Problem.Severity.ERROR
                    || p.severity() == Problem.Severity.UNRESOLVED).count();
            System.out.println(bad == 0 ? "ok: " + load.resources().size() + " resources, "
                    + r.snapshot().ports().values().stream().mapToInt(t -> t.entries().size()).sum() + " route matches"
                    : bad + " problem" + (bad == 1 ? "" : "s") + " found");
            return bad == 0 ? 0 : 1;
        }
    }

    /** The training run of the AOT cache that bin/ai-gateway builds with the jar (see {@link Training}). */
    @Command(name = "train", hidden = true, mixinStandardHelpOptions = true,
            description = "Serve sample traffic on loopback ports and exit (the JVM's AOT-cache training run).")
    static final class Train implements Callable<Integer> {
        @Option(names = "--rounds", defaultValue = "60", description = "Rounds of sample requests (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--native-dir", paramLabel = "DIR",
                description = "Also copy the jar's epoll library into DIR, for the launcher's -Djava.library.path (NativeLibs).")
        Path nativeDir;

        @Override
        public Integer call() throws Exception {
            if (nativeDir != null) NativeLibs.copyEpoll(nativeDir);
            int bad = Training.run(Math.max(1, rounds));
            if (bad > 0) System.err.println("ai-gateway train: " + bad + " sample requests failed");
            return bad == 0 ? 0 : 1;
        }
    }

    static Duration parseDuration(String s) {
        return parseDuration("--watch-interval", s);
    }

    static Duration parseDuration(String flag, String s) {
        String t = s.strip();
        try {
            if (t.equals("0")) return Duration.ZERO;
            if (t.endsWith("ms")) return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            if (t.endsWith("s")) return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            if (t.endsWith("m")) return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException(flag + " " + s + " is not a duration (expected e.g. 1s, 500ms, 2m or 0)");
    }
}
