package dev.aigw.config;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedParameter;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Binds a resource's tree onto immutable records, strictly: a field the record does not have
 * is an error that names its line, the resource, the field's path, the closest valid name and
 * the valid ones. Every unknown field of a resource is reported, not only the first; a value of
 * the wrong type stops that resource's binding (one error, located).
 *
 * <p>Records list old spellings as {@code @JsonAlias}; absent lists and maps bind as empty, absent
 * optionals as empty. Cross-field rules are not here: each kind has one validation pass after
 * binding.
 */
public final class Binder {
    private static final String PROBLEMS = "aigw.problems";
    private static final String RESOURCE = "aigw.resource";
    private static final String BASE = "aigw.base";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .withConfigOverride(List.class, o -> o.setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY)))
            .withConfigOverride(Map.class, o -> o.setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY)))
            .addHandler(new Unknown())
            .annotationIntrospector(new Required())
            .build();

    private Binder() {
    }

    /**
     * Binds the node at {@code pointer} of the resource's body onto {@code type}; null after an
     * error (the problems are added to {@code problems}).
     */
    public static <T> T bind(RawResource r, String pointer, Class<T> type, List<Problem> problems) {
        JsonNode node = pointer.isEmpty() ? r.body() : r.body().at(pointer);
        if (node.isMissingNode()) node = MAPPER.createObjectNode();
        int before = problems.size();
        try {
            T value = MAPPER.readerFor(type).withAttribute(PROBLEMS, problems).withAttribute(RESOURCE, r)
                    .withAttribute(BASE, pointer).readValue(node);
            // Creators see unknown fields after the known ones: report them in the order written.
            problems.subList(before, problems.size()).sort(java.util.Comparator.comparingInt(pr -> pr.location().line()));
            return problems.size() > before && problems.subList(before, problems.size()).stream()
                    .anyMatch(Problem::isError) ? null : value;
        } catch (JsonMappingException e) {
            String at = pointer + pointerOf(e.getPath());
            // Jackson's path ends at the missing field itself: name it in its parent, whose line it is.
            if (missing(e) && at.lastIndexOf('/') > 0) at = at.substring(0, at.lastIndexOf('/'));
            problems.add(Problem.error(r.at(at), r.key().toString(), path(at) + ": " + describe(e)));
            return null;
        } catch (IOException e) {
            problems.add(Problem.error(r.at(pointer), r.key().toString(), path(pointer) + ": " + e.getMessage()));
            return null;
        }
    }

    /**
     * Builds the deserializers of the spec records now (reflection over every record: a second
     * or more on a cold, loaded JVM), so the first resource a watcher hands over is not slowed.
     */
    public static void warm() {
        for (Class<?> c : List.of(dev.aigw.config.gateway.GatewaySpec.class, dev.aigw.config.gateway.HttpRouteSpec.class,
                dev.aigw.config.kgateway.BackendSpec.class, dev.aigw.config.kgateway.TrafficPolicySpec.class,
                dev.aigw.config.kgateway.TrafficPolicySpec.OpenAiModeration.class,
                dev.aigw.config.agentgateway.AgentgatewayBackend.Spec.class,
                dev.aigw.config.agentgateway.AgentgatewayPolicy.Spec.class)) {
            try {
                MAPPER.readerFor(c).readValue(MAPPER.createObjectNode());
            } catch (IOException | RuntimeException e) {
                // An empty spec may miss required fields: the deserializers are built all the same.
            }
        }
    }

    /** Converts a plain tree (no resource) onto a record, or throws with the reason: for values inside a bound record. */
    public static <T> T convert(JsonNode node, Class<T> type) throws IOException {
        return MAPPER.readerFor(type).readValue(node);
    }

    private static boolean missing(JsonMappingException e) {
        return e instanceof MismatchedInputException && e.getOriginalMessage() != null
                && e.getOriginalMessage().startsWith("Missing required creator property");
    }

    private static String describe(JsonMappingException e) {
        if (e instanceof ValueInstantiationException v && v.getCause() != null) {
            return v.getCause().getMessage();
        }
        if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object c : f.getTargetType().getEnumConstants()) names.add(String.valueOf(c));
            return "`" + f.getValue() + "` is not one of " + String.join(", ", names);
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            Class<?> t = m.getTargetType();
            String expected = t.isEnum() || t == String.class ? "a string"
                    : Number.class.isAssignableFrom(t) || t.isPrimitive() && t != boolean.class ? "a number"
                    : t == Boolean.class || t == boolean.class ? "true or false"
                    : Collection.class.isAssignableFrom(t) ? "a list"
                    : "a mapping";
            String msg = m.getOriginalMessage();
            if (msg != null && msg.startsWith("Missing required creator property")) {
                return "a required field is missing: " + msg.replaceAll(".*'([^']+)'.*", "$1");
            }
            return "expected " + expected;
        }
        String msg = e.getOriginalMessage();
        return msg == null ? e.getClass().getSimpleName() : msg;
    }

    /** A JSON pointer of Jackson's reference chain ({@code /spec/rules/0/matches}). */
    private static String pointerOf(List<JsonMappingException.Reference> path) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) sb.append('/').append(YamlResources.escape(ref.getFieldName()));
            else if (ref.getIndex() >= 0) sb.append('/').append(ref.getIndex());
        }
        return sb.toString();
    }

    /** A pointer as users write paths: {@code spec.rules[0].matches}. */
    public static String path(String pointer) {
        StringBuilder sb = new StringBuilder();
        for (String seg : pointer.split("/")) {
            if (seg.isEmpty()) continue;
            String s = seg.replace("~1", "/").replace("~0", "~");
            if (s.chars().allMatch(Character::isDigit)) sb.append('[').append(s).append(']');
            else sb.append(sb.isEmpty() ? "" : ".").append(s);
        }
        return sb.isEmpty() ? "the resource" : sb.toString();
    }

    private static String pointerOf(JsonStreamContext ctx) {
        List<String> segs = new ArrayList<>();
        for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject() && c.getCurrentName() != null) segs.addFirst(YamlResources.escape(c.getCurrentName()));
            else if (c.inArray()) segs.addFirst(String.valueOf(Math.max(0, c.getCurrentIndex())));
        }
        return segs.isEmpty() ? "" : "/" + String.join("/", segs);
    }

    /**
     * An agentgateway record's component that is not an Optional, a list, a map or a primitive is
     * required, as the CRDs generated from these records say (CrdBindingTest): a file that leaves
     * it out gets "a required field is missing: endpoint" at its parent's line, as kubectl would
     * refuse it, instead of a null the validation pass trips on. The Gateway API and kgateway
     * records keep their own checks (and messages) for the fields they leave null.
     */
    private static final class Required extends JacksonAnnotationIntrospector {
        @Override
        public Boolean hasRequiredMarker(AnnotatedMember m) {
            Boolean marked = super.hasRequiredMarker(m);
            if (marked != null || !(m instanceof AnnotatedParameter p)) return marked;
            Class<?> owner = p.getDeclaringClass();
            if (!owner.isRecord() || !owner.getPackageName().equals("dev.aigw.config.agentgateway")) return null;
            Class<?> t = p.getRawType();
            boolean optional = t.isPrimitive() || t == java.util.Optional.class || Collection.class.isAssignableFrom(t)
                    || Map.class.isAssignableFrom(t);
            return optional ? null : Boolean.TRUE;
        }
    }

    /** Records every unknown field of a resource as an error with a suggestion, and skips it. */
    private static final class Unknown extends DeserializationProblemHandler {
        @Override
        @SuppressWarnings("unchecked")
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deser,
                                             Object beanOrClass, String name) throws IOException {
            List<Problem> problems = (List<Problem>) ctxt.getAttribute(PROBLEMS);
            RawResource r = (RawResource) ctxt.getAttribute(RESOURCE);
            if (problems == null || r == null) return false;
            String field = (String) ctxt.getAttribute(BASE) + pointerOf(p.getParsingContext());
            String parent = field.substring(0, Math.max(0, field.lastIndexOf('/')));
            TreeSet<String> known = new TreeSet<>();
            for (Object k : deser.getKnownPropertyNames()) known.add(String.valueOf(k));
            String close = Suggest.closest(name, known);
            problems.add(Problem.error(r.at(field), r.key().toString(), "unknown field `" + name + "` in "
                    + r.key() + " " + path(parent) + (close == null ? "" : "; did you mean `" + close + "`?")
                    + " (valid: " + String.join(", ", known) + ")"));
            p.skipChildren();
            return true;
        }
    }
}
