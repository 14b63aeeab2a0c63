package dev.aigw;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The "may depend on" lines of each package-info, held by the compiled classes. */
class LayoutTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.aigw");

    @Test
    void translatorsArePureFunctionsOverJackson() {
        noClasses().that().resideInAPackage("dev.aigw.translate..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.netty..", "dev.aigw.config..",
                        "dev.aigw.route..", "dev.aigw.provider..", "dev.aigw.proxy..", "dev.aigw.policy..",
                        "dev.aigw.telemetry..", "dev.aigw.cli..", "dev.aigw.kube..", "dev.aigw.admin..")
                .check(CLASSES);
    }

    /** Jackson and the JDK, plus AWS's event-stream frame codec (bytes in, frames out) for Bedrock streams. */
    @Test
    void translateDependsOnJacksonAndTheJdkOnly() {
        classes().that().resideInAPackage("dev.aigw.translate..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.aigw.translate..", "java..",
                        "com.fasterxml.jackson..", "software.amazon.eventstream..")
                .check(CLASSES);
    }

    /**
     * Schema-specific means a class that knows one API format's wire shape: the codecs, body
     * accessors and helpers of translate named for their format (OpenAi..., Anthropic...,
     * Gemini..., Bedrock...). Everything else asks for a format by {@code Schema} through the
     * format-neutral types (Translators, Translator, BodyFormat, TextSlot, the canonical model).
     */
    @Test
    void noPackageOutsideTranslateKnowsAWireFormat() {
        noClasses().that().resideOutsideOfPackage("dev.aigw.translate..")
                .should().dependOnClassesThat().haveNameMatching("dev\\.aigw\\.translate\\.(OpenAi|Anthropic|Gemini|Bedrock).*")
                .check(CLASSES);
    }

    @Test
    void configKnowsNothingOfWhatIsBuiltFromIt() {
        noClasses().that().resideInAPackage("dev.aigw.config..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "dev.aigw.route..", "dev.aigw.provider..",
                        "dev.aigw.proxy..", "dev.aigw.policy..", "dev.aigw.telemetry..", "dev.aigw.cli..",
                        "dev.aigw.kube..", "dev.aigw.admin..", "dev.aigw.translate..")
                .check(CLASSES);
    }

    /** The Gateway API and kgateway families: their records and validation passes over the shared config types only. */
    @Test
    void configFamiliesKnowOnlyConfigAndJackson() {
        for (String family : new String[] {"dev.aigw.config.gateway", "dev.aigw.config.kgateway"}) {
            classes().that().resideInAPackage(family)
                    .should().onlyDependOnClassesThat().resideInAnyPackage(family, "dev.aigw.config", "java..",
                            "com.fasterxml.jackson..")
                    .check(CLASSES);
        }
    }

    @Test
    void providersAndRoutesDoNoNetworking() {
        noClasses().that().resideInAnyPackage("dev.aigw.provider..", "dev.aigw.route..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "dev.aigw.proxy..", "dev.aigw.cli..",
                        "dev.aigw.kube..", "dev.aigw.admin..")
                .check(CLASSES);
    }

    @Test
    void onlyTheCliSeesEverything() {
        noClasses().that().resideOutsideOfPackage("dev.aigw.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.aigw.cli..")
                .check(CLASSES);
        noClasses().that().resideInAnyPackage("dev.aigw.route..", "dev.aigw.provider..", "dev.aigw.policy..",
                        "dev.aigw.telemetry..", "dev.aigw.translate..", "dev.aigw.config..", "dev.aigw.admin..")
                .should().dependOnClassesThat().resideInAPackage("dev.aigw.proxy")
                .check(CLASSES);
    }

    @Test
    void theStageContractKnowsNothingOfThePipelineThatRunsIt() {
        // Stages from other packages (authentication, limits) implement it without reaching into proxy.
        noClasses().that().resideInAPackage("dev.aigw.proxy.stage")
                .should().dependOnClassesThat().resideInAnyPackage("dev.aigw.proxy", "dev.aigw.proxy.resilience",
                        "dev.aigw.cli..", "dev.aigw.kube..", "dev.aigw.admin..", "io.netty..", "io.vertx.core.http..")
                .check(CLASSES);
    }

    @Test
    void failoverDecisionsDoNoIo() {
        noClasses().that().resideInAPackage("dev.aigw.proxy.resilience")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.netty..", "dev.aigw.proxy",
                        "dev.aigw.proxy.stage", "dev.aigw.cli..", "dev.aigw.kube..", "dev.aigw.admin..", "dev.aigw.telemetry..")
                .check(CLASSES);
    }

    @Test
    void theAdminListenerReadsTheProxyAndTelemetryOnlyThroughWhatCliHandsOver() {
        noClasses().that().resideInAPackage("dev.aigw.admin..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.aigw.proxy..", "dev.aigw.telemetry..",
                        "dev.aigw.kube..")
                .check(CLASSES);
    }

    @Test
    void governanceEnginesKnowNothingOfTheProxyOrTheConfig() {
        // auth, limit, cost, cel: engines with their own config records; only governance maps config onto them.
        noClasses().that().resideInAnyPackage("dev.aigw.auth..", "dev.aigw.limit..", "dev.aigw.cost..", "dev.aigw.cel..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.aigw.proxy..", "dev.aigw.route..", "dev.aigw.config..",
                        "dev.aigw.cli..", "dev.aigw.kube..", "dev.aigw.admin..", "dev.aigw.policy..", "dev.aigw.telemetry..",
                        "dev.aigw.provider..", "dev.aigw.governance..")
                .check(CLASSES);
        noClasses().that().resideInAnyPackage("dev.aigw.cost..", "dev.aigw.cel..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.netty..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("dev.aigw.governance..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.aigw.proxy..", "dev.aigw.route..", "dev.aigw.cli..",
                        "dev.aigw.kube..", "dev.aigw.admin..")
                .check(CLASSES);
    }
}
