package dev.aigw.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One compiled CEL expression. Variables are declared as {@code map(string, dyn)}, so any field
 * path type-checks and a missing field is an evaluation error (treated by callers as "no value").
 */
public final class CelExpression {
    /** The variables an expression may read. */
    public static final List<String> VARIABLES = List.of("request", "jwt", "apiKey", "basicAuth", "llm", "source", "response",
            "llmRequest");
    private static final CelCompiler COMPILER;
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

    static {
        // Standard macros: has(), all(), exists(), exists_one(), map(), filter(), as agentgateway's CEL offers.
        var b = CelCompilerFactory.standardCelCompilerBuilder().setStandardMacros(CelStandardMacro.STANDARD_MACROS);
        for (String v : VARIABLES) b.addVar(v, MapType.create(SimpleType.STRING, SimpleType.DYN));
        COMPILER = b.build();
    }

    private final String source;
    private final CelRuntime.Program program;

    private CelExpression(String source, CelRuntime.Program program) {
        this.source = source;
        this.program = program;
    }

    /** @throws IllegalArgumentException with CEL's own message (line and column) when it does not compile */
    public static CelExpression compile(String source) {
        if (source == null || source.isBlank()) throw new IllegalArgumentException("empty CEL expression");
        if (source.length() > 16384) throw new IllegalArgumentException("CEL expression longer than 16384 characters");
        try {
            CelAbstractSyntaxTree ast = COMPILER.compile(source).getAst();
            return new CelExpression(source, RUNTIME.createProgram(ast));
        } catch (CelValidationException e) {
            throw new IllegalArgumentException("CEL expression '" + source + "' does not compile: " + e.getMessage());
        } catch (CelEvaluationException e) {
            throw new IllegalArgumentException("CEL expression '" + source + "' cannot be planned: " + e.getMessage());
        }
    }

    public String source() {
        return source;
    }

    /** The value, or empty when evaluation fails (a missing key, a type mismatch). */
    public Optional<Object> eval(Map<String, ?> vars) {
        try {
            return Optional.ofNullable(program.eval(vars));
        } catch (CelEvaluationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** True only when the expression yields {@code true}. */
    public boolean test(Map<String, ?> vars) {
        return eval(vars).map(Boolean.TRUE::equals).orElse(false);
    }

    @Override
    public String toString() {
        return source;
    }
}
