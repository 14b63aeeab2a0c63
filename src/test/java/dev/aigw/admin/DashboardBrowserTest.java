package dev.aigw.admin;

import dev.aigw.testing.FakeUpstream;
import dev.aigw.testing.Fixtures;
import dev.aigw.testing.GatewayHarness;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromedriver},
 * driven by Selenium) against a running gateway with traffic through fake providers. Every page
 * is loaded; screenshots go to {@code target/dashboard-screenshots/}. Skipped only when the
 * browser is not installed and {@code AIGW_REQUIRE_BROWSER} is unset ({@code .ci/run} installs
 * it and sets that, so CI cannot skip). A second gateway governs its route with client keys, for the
 * Keys and spend page and callers named by key id. (Over 400 lines: each scenario's config and
 * page checks read best next to the browser setup they share.)
 */
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SHOTS = Path.of("target", "dashboard-screenshots");
    private static final String TOKEN = "dashboard-test-token-0123456789";
    private static final String PROVIDER_KEY = "sk-test-provider-key-never-shown";

    private WebDriver driver;

    @BeforeAll
    static void browserPresent() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!present && System.getenv("AIGW_REQUIRE_BROWSER") != null) {
            fail("AIGW_REQUIRE_BROWSER is set but " + CHROMIUM + " or " + DRIVER + " is missing (apt-get install chromium chromium-driver)");
        }
        assumeTrue(present, "browser tests skipped: " + CHROMIUM + " and " + DRIVER
                + " are not installed (apt-get install chromium chromium-driver; .ci/run does it)");
    }

    @AfterEach
    void quit() {
        if (driver != null) driver.quit();
    }

    private WebDriver browser() {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM.toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1440,1100", "--no-first-run", "--disable-extensions", "--lang=en-GB");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        o.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        return driver;
    }

    private static void openai(io.vertx.core.json.JsonObject body, HttpServerRequest req) {
        if (body.getBoolean("stream", false)) {
            req.response().putHeader("content-type", "text/event-stream").end(Fixtures.read("openai/chat-stream.sse"));
        } else {
            req.response().putHeader("content-type", "application/json").end(Fixtures.read("openai/chat-completion.json"));
        }
    }

    private static FakeUpstream anthropic(int port) {
        return FakeUpstream.plain(port).respond((r, req) -> {
            boolean stream = r.json().path("stream").asBoolean(false);
            req.response().putHeader("content-type", stream ? "text/event-stream" : "application/json")
                    .end(Fixtures.read(stream ? "anthropic/message-stream.sse" : "anthropic/message.json"));
        });
    }

    private static String config(int a, int b) {
        return """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: pool}
                spec:
                  type: AI
                  ai:
                    priorityGroups:
                    - providers:
                      - {name: a, openai: {authToken: {kind: Inline, inline: %s}, model: gpt-4o-mini}, host: 127.0.0.1, port: %d}
                      - {name: b, anthropic: {authToken: {kind: Inline, inline: %s}, model: claude}, host: 127.0.0.1, port: %d}
                ---
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: broken}
                spec:
                  type: AI
                  ai:
                    llm:
                      openai: {authToken: {kind: SecretRef, secretRef: {name: missing-secret}}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: chat}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /v1}}]
                    backendRefs: [{name: pool, group: gateway.kgateway.dev, kind: Backend}]
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: legacy}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /legacy}}]
                    backendRefs: [{name: broken, group: gateway.kgateway.dev, kind: Backend}]
                """.formatted(PROVIDER_KEY, a, PROVIDER_KEY, b);
    }

    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]%s}";

    @Test
    void everyPageShowsTheLiveGateway() throws Exception {
        int bPort;
        try (ServerSocket s = new ServerSocket(0)) {
            bPort = s.getLocalPort();
        }
        FakeUpstream b = anthropic(bPort);
        FakeUpstream[] self = new FakeUpstream[1];
        try (FakeUpstream a = self[0] = FakeUpstream.plain().respond((r, req) -> self[0].vertx().setTimer(
                     java.util.concurrent.ThreadLocalRandom.current().nextInt(5, 60),
                     t -> openai(new io.vertx.core.json.JsonObject(r.body()), req)));
             GatewayHarness gw = GatewayHarness.builder().file("g.yaml", config(a.port(), bPort))
                     .dashboard(new DashboardOptions(Optional.empty(), true)).start()) {
            for (int i = 0; i < 30; i++) {
                assertThat(gw.post("/v1/chat/completions", CHAT.formatted(i % 3 == 0 ? ",\"stream\":true" : "")).statusCode())
                        .isEqualTo(200);
            }
            assertThat(gw.post("/legacy/v1/chat/completions", CHAT.formatted("")).statusCode()).isEqualTo(500);
            // Steady traffic while the pages are looked at, so the charts have several points.
            AtomicBoolean load = new AtomicBoolean(true);
            Thread traffic = Thread.ofVirtual().start(() -> {
                for (int i = 0; load.get(); i++) {
                    try {
                        gw.post(i % 25 == 24 ? "/legacy/v1/chat/completions" : "/v1/chat/completions",
                                CHAT.formatted(i % 4 == 0 ? ",\"stream\":true" : ""));
                        Thread.sleep(100);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            WebDriver d = browser();
            String ui = gw.adminUrl() + "/ui/";

            // Overview: the routes in precedence order, the unavailable one, the problem with file:line.
            d.get(ui + "#overview");
            waitFor(d, () -> d.findElements(By.cssSelector("tr.route-row")).size() == 2);
            List<String> routes = rows(d, "tr.route-row").stream().map(r -> String.join(" ", r)).toList();
            assertThat(routes.get(0)).contains("/legacy").contains("unavailable");
            assertThat(routes.get(1)).contains("/v1").contains("openai/a").contains("anthropic/b");
            String problems = d.findElement(By.xpath("//h2[text()='Config problems']/following-sibling::table[1]")).getText();
            assertThat(problems).contains("UNRESOLVED").containsPattern("g\\.yaml:\\d+")
                    .contains("secret missing-secret not found");
            assertThat(d.findElements(By.cssSelector("tr.unavailable-row"))).hasSize(1);
            shot(d, "overview");

            // Providers: kill b; the planner ejects it and the page says so within seconds.
            d.get(ui + "#providers");
            waitFor(d, () -> status(d, "anthropic/b").equals("HEALTHY") && status(d, "openai/a").equals("HEALTHY"));
            b.close();
            long killed = System.nanoTime();
            waitFor(d, () -> status(d, "anthropic/b").equals("EJECTED"));
            double seconds = (System.nanoTime() - killed) / 1e9;
            System.out.printf("dashboard: provider b shown EJECTED %.1f s after it was killed%n", seconds);
            assertThat(seconds).isLessThan(10);
            assertThat(status(d, "openai/a")).isEqualTo("HEALTHY");
            shot(d, "providers");

            // Traffic: the charts have points.
            d.get(ui + "#traffic");
            // Requests-per-second dots over at least three 5-second steps (the traffic has run for a while).
            // (-Daigw.dashboard.trafficSeconds=N runs the traffic longer first, for fuller screenshots.)
            Thread.sleep(Long.getLong("aigw.dashboard.trafficSeconds", 0) * 1000);
            d.navigate().refresh();
            waitFor(d, Duration.ofSeconds(30), () -> points(d) >= 3 && !d.findElements(By.cssSelector("tr.group-row")).isEmpty());
            assertThat(d.findElements(By.cssSelector("svg.chart-svg"))).hasSize(4);
            assertThat(d.findElement(By.cssSelector("table")).getText()).contains("default/chat");
            shot(d, "traffic");
            load.set(false);
            traffic.join();

            // Recent requests, filterable.
            d.get(ui + "#requests");
            waitFor(d, () -> d.findElements(By.cssSelector("tr.request-row")).size() > 30);
            new Select(d.findElement(By.name("status"))).selectByValue("5xx");
            waitFor(d, () -> {
                List<WebElement> rows = d.findElements(By.cssSelector("tr.request-row"));
                return !rows.isEmpty() && rows.stream().allMatch(r -> r.getText().contains("500")
                        && r.getText().contains("default/legacy#0"));
            });
            new Select(d.findElement(By.name("status"))).selectByValue("");
            waitFor(d, () -> d.findElements(By.cssSelector("tr.request-row")).size() > 30);
            shot(d, "requests");

            // Keys and spend: nothing configured yet, and it says so.
            d.get(ui + "#spend");
            waitFor(d, () -> d.findElement(By.id("page")).getText().contains("no keys or budgets configured"));
            shot(d, "spend-unconfigured");

            // Try it: the answer streams in, with the request id to find it in the log.
            d.get(ui + "#try");
            waitFor(d, () -> !d.findElements(By.id("send")).isEmpty());
            new Select(d.findElement(By.name("format"))).selectByValue("anthropic");
            d.findElement(By.id("send")).click();
            waitFor(d, () -> "true".equals(d.findElement(By.id("answer-meta")).getDomAttribute("data-done")));
            String meta = d.findElement(By.id("answer-meta")).getText();
            assertThat(meta).contains("HTTP 200").contains("request id tryit-");
            assertThat(d.findElement(By.id("answer")).getText()).startsWith("Hello");
            shot(d, "try");
            String requestId = d.findElement(By.id("answer-meta")).getDomAttribute("data-request-id");
            d.get(ui + "#requests");
            waitFor(d, () -> d.findElements(By.cssSelector("tr.request-row")).stream()
                    .anyMatch(r -> r.getText().contains(requestId)));

            assertThat(d.getPageSource()).doesNotContain(PROVIDER_KEY);
            assertNoConsoleErrors(d);
        } finally {
            b.close();
        }
    }

    private static final String KEY_ALICE = "sk-dash-alice-0123456789abcdef";
    private static final String KEY_BOB = "sk-dash-bob-fedcba9876543210";

    /** A route governed by client keys (an AgentgatewayPolicy over a Secret's keys with name/team metadata). */
    private static String governedConfig(int port) {
        return """
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: Backend
                metadata: {name: openai}
                spec:
                  type: AI
                  ai: {llm: {openai: {authToken: {kind: Inline, inline: %s}}, host: 127.0.0.1, port: %d}}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: chat}
                spec:
                  parentRefs: [{name: ai-gateway, namespace: kgateway-system}]
                  rules:
                  - matches: [{path: {type: PathPrefix, value: /v1}}]
                    backendRefs: [{name: openai, group: gateway.kgateway.dev, kind: Backend}]
                ---
                apiVersion: agentgateway.dev/v1alpha1
                kind: AgentgatewayPolicy
                metadata: {name: keys, namespace: default}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat}]
                  traffic:
                    apiKeyAuthentication: {mode: Strict, secretRef: {name: keys}}
                """.formatted(PROVIDER_KEY, port);
    }

    private static final String SECRET = """
            apiVersion: v1
            kind: Secret
            metadata: {name: keys, namespace: default}
            stringData:
              a: '{"key": "%s", "metadata": {"name": "alice", "team": "search"}}'
              b: '{"key": "%s", "metadata": {"name": "bob", "team": "ads"}}'
            """.formatted(KEY_ALICE, KEY_BOB);

    @Test
    void keysAndSpendShowTheLedgerByKeyIdNeverTheKey() throws Exception {
        // The upstream answers the model asked for, with usage large enough that spend shows in cents:
        // 100k tokens in, 20k out is $0.45 on gpt-4o and $0.027 on gpt-4o-mini at list prices.
        try (FakeUpstream a = FakeUpstream.plain().respond((r, req) -> req.response().putHeader("content-type", "application/json")
                .end("""
                        {"id":"c1","object":"chat.completion","created":1,"model":"%s","choices":[{"index":0,
                        "message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
                        "usage":{"prompt_tokens":100000,"completion_tokens":20000,"total_tokens":120000}}"""
                        .formatted(r.json().path("model").asText())));
             GatewayHarness gw = GatewayHarness.builder().file("g.yaml", governedConfig(a.port())).file("secret.yaml", SECRET)
                     .dashboard(new DashboardOptions(Optional.empty(), true)).start()) {
            String chat = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            for (int i = 0; i < 3; i++) {
                assertThat(gw.post("/v1/chat/completions", chat.formatted("gpt-4o"), "authorization", "Bearer " + KEY_ALICE).statusCode()).isEqualTo(200);
            }
            for (int i = 0; i < 2; i++) {
                assertThat(gw.post("/v1/chat/completions", chat.formatted("gpt-4o-mini"), "authorization", "Bearer " + KEY_ALICE).statusCode()).isEqualTo(200);
                assertThat(gw.post("/v1/chat/completions", chat.formatted("gpt-4o-mini"), "authorization", "Bearer " + KEY_BOB).statusCode()).isEqualTo(200);
            }
            assertThat(gw.post("/v1/chat/completions", chat.formatted("gpt-4o-mini"), "authorization", "Bearer sk-not-a-key-000").statusCode()).isEqualTo(401);
            WebDriver d = browser();
            String ui = gw.adminUrl() + "/ui/";

            d.get(ui + "#spend");
            waitFor(d, () -> keyRow(d, "alice").isPresent() && keyRow(d, "bob").isPresent());
            List<String> alice = keyRow(d, "alice").orElseThrow();
            // Key, Team, Spend, Budget, Remaining, Limits, Top models.
            assertThat(alice.get(1)).isEqualTo("search");
            assertThat(alice.get(2)).startsWith("$").isNotEqualTo("$0.00");
            assertThat(alice.get(6)).startsWith("gpt-4o $").contains("gpt-4o-mini $");
            List<String> bob = keyRow(d, "bob").orElseThrow();
            assertThat(bob.get(1)).isEqualTo("ads");
            assertThat(bob.get(2)).startsWith("$").isNotEqualTo("$0.00");
            assertThat(bob.get(6)).startsWith("gpt-4o-mini $");
            String teams = d.findElement(By.xpath("//h2[text()='Teams']/following-sibling::table[1]")).getText();
            assertThat(teams).contains("search").contains("ads");
            assertThat(d.getPageSource()).doesNotContain(KEY_ALICE).doesNotContain(KEY_BOB).doesNotContain(PROVIDER_KEY);
            shot(d, "spend");

            // Recent requests name the caller by key id at its address.
            d.get(ui + "#requests");
            waitFor(d, () -> d.findElements(By.cssSelector("tr.request-row")).size() == 8);
            List<String> callers = rows(d, "tr.request-row").stream().map(r -> r.get(8)).toList();
            assertThat(callers).filteredOn(c -> c.startsWith("alice @ 127.0.0.1")).hasSize(5);
            assertThat(callers).filteredOn(c -> c.startsWith("bob @ 127.0.0.1")).hasSize(2);
            assertThat(d.getPageSource()).doesNotContain(KEY_ALICE).doesNotContain(KEY_BOB).doesNotContain("sk-not-a-key-000");
            shot(d, "requests-keyed");
            assertNoConsoleErrors(d);
        }
    }

    private static Optional<List<String>> keyRow(WebDriver d, String id) {
        return rows(d, "tr.key-row").stream().filter(r -> r.getFirst().equals(id)).findFirst();
    }

    /**
     * The cells' texts of every row {@code css} selects, read in one script. The pages re-render
     * their rows on each refresh (Recent requests every 3 s); read cell by cell over WebDriver (8
     * rows of 9 cells, a round trip each) that took longer than a refresh on a loaded machine, and
     * a cell of a replaced row threw StaleElementReferenceException.
     */
    @SuppressWarnings("unchecked")
    private static List<List<String>> rows(WebDriver d, String css) {
        return (List<List<String>>) ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                "return Array.from(document.querySelectorAll(arguments[0]))"
                        + ".map(r => Array.from(r.cells).map(c => c.innerText.trim()))", css);
    }

    @Test
    void awayFromLoopbackTheTokenIsAskedForAndNeverSentBack() throws Exception {
        try (FakeUpstream a = FakeUpstream.plain().respond((r, req) -> openai(new io.vertx.core.json.JsonObject(r.body()), req));
             GatewayHarness gw = GatewayHarness.builder().file("g.yaml", config(a.port(), a.port()))
                     .adminAddress("0.0.0.0").dashboard(new DashboardOptions(Optional.of(TOKEN), false)).start()) {
            WebDriver d = browser();
            d.get(gw.adminUrl() + "/ui/#overview");
            waitFor(d, () -> !d.findElements(By.name("token")).isEmpty());
            d.findElement(By.name("token")).sendKeys("wrong-token-wrong-token");
            d.findElement(By.cssSelector("form.login button")).click();
            waitFor(d, () -> d.findElement(By.cssSelector("form.login")).getText().contains("not the admin token"));
            d.findElement(By.name("token")).clear();
            d.findElement(By.name("token")).sendKeys(TOKEN);
            d.findElement(By.cssSelector("form.login button")).click();
            waitFor(d, () -> d.findElements(By.cssSelector("tr.route-row")).size() == 2);
            shot(d, "login-then-overview");
            // The session cookie is HttpOnly (scripts cannot read it) and is not the token.
            assertThat(d.manage().getCookieNamed(DashboardAuth.COOKIE)).satisfies(c -> {
                assertThat(c.isHttpOnly()).isTrue();
                assertThat(c.getValue()).isNotEqualTo(TOKEN).doesNotContain(TOKEN);
            });
            assertThat((String) ((org.openqa.selenium.JavascriptExecutor) d).executeScript("return document.cookie")).isEmpty();
            d.get(gw.adminUrl() + "/ui/#try");
            waitFor(d, () -> d.findElement(By.id("page")).getText().contains("Try it is off"));
            assertThat(d.getPageSource()).doesNotContain(TOKEN).doesNotContain(PROVIDER_KEY);
            // Failed logins log a 401 in the console by design; anything else would be a bug.
            for (LogEntry e : d.manage().logs().get(LogType.BROWSER)) {
                if (e.getLevel().intValue() >= Level.SEVERE.intValue()) assertThat(e.getMessage()).contains("401");
            }
        }
    }

    private static String status(WebDriver d, String provider) {
        List<WebElement> rows = d.findElements(By.cssSelector("tr.provider-row[data-provider='" + provider + "']"));
        return rows.isEmpty() ? "" : rows.getFirst().getDomAttribute("data-status");
    }

    /** The dots of the requests-per-second line: one per step that had traffic. */
    private static int points(WebDriver d) {
        return d.findElements(By.cssSelector("svg.chart-svg circle.pt.s1")).size();
    }

    private static void waitFor(WebDriver d, java.util.function.BooleanSupplier condition) {
        waitFor(d, Duration.ofSeconds(15), condition);
    }

    private static void waitFor(WebDriver d, Duration timeout, java.util.function.BooleanSupplier condition) {
        new WebDriverWait(d, timeout, Duration.ofMillis(100))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.NoSuchElementException.class)
                .until(x -> condition.getAsBoolean());
    }

    private static void shot(WebDriver d, String name) throws Exception {
        Files.createDirectories(SHOTS);
        File f = ((TakesScreenshot) d).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void assertNoConsoleErrors(WebDriver d) {
        List<String> severe = d.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
        assertThat(severe).as("console errors").isEmpty();
    }
}
