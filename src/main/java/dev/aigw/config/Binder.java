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
 * the valid ones. Every unknown field and every wrong value of a resource is reported in one run,
 * each at its line, not only the first (see {@link #bind}).
 *
 * <p>Records list old spellings as {@code @JsonAlias}; absent lists and maps bind as empty, absent
 * optionals as empty. Cross-field rules are not here: each kind has one validation pass after
 * binding.
 */
public final class Binder {
    private static final String PROBLEMS = "aigw.problems";
    private static final String RESOURCE = "aigw.resource";
    private static final String BASE = "aigw.base";
    private static final String REMOVALS = "aigw.removals";
    /** How many wrong values of one resource are reported in one run before the rest wait for the next. */
    static final int MAX_WRONG = 32;

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
     *
     * <p>A wrong value is reported, then taken out of a copy of the tree and the binding is done
     * again, so one run reports every wrong value of the resource, each at its line (up to
     * {@link #MAX_WRONG}). A field that goes missing because its wrong value was taken out is a
     * consequence, not a mistake of the file: the mapping that needed it is taken out too, silently.
     */
    public static <T> T bind(RawResource r, String pointer, Class<T> type, List<Problem> problems) {
        JsonNode node = pointer.isEmpty() ? r.body() : r.body().at(pointer);
        if (node.isMissingNode()) node = MAPPER.createObjectNode();
        int before = problems.size();
        Removals removals = new Removals(node);
        boolean wrong = false;
        T value = null;
        // Bounded by what is reported, not by rounds: a round that only takes out a mapping left
        // without its required field (a consequence, not reported) does not use up the allowance.
        int reported = 0;
        for (int round = 0; reported < MAX_WRONG && round < 4 * MAX_WRONG; round++) {
            List<Problem> found = new ArrayList<>();
            try {
                value = MAPPER.readerFor(type).withAttribute(PROBLEMS, found).withAttribute(RESOURCE, r)
                        .withAttribute(BASE, pointer).withAttribute(REMOVALS, removals).readValue(removals.tree);
                addNew(problems, found);
                break;
            } catch (JsonMappingException e) {
                addNew(problems, found);
                value = null;
                String copyAt = pointerOf(e.getPath());
                boolean missing = missing(e);
                // Jackson's path ends at the missing field itself: the mapping that lacks it is its parent.
                String parentAt = copyAt.substring(0, Math.max(0, copyAt.lastIndexOf('/')));
                if (missing && removals.removed(copyAt)) {
                    if (parentAt.isEmpty() || !removals.remove(parentAt)) break;
                    continue;
                }
                wrong = true;
                String at = pointer + removals.original(copyAt);
                if (missing && at.lastIndexOf('/') > 0) at = at.substring(0, at.lastIndexOf('/'));
                problems.add(Problem.error(r.at(at), r.key().toString(), path(at) + ": " + describe(e)));
                reported++;
                String out = missing ? parentAt : copyAt;
                if (out.isEmpty() || !removals.remove(out)) break;
            } catch (IOException e) {
                problems.add(Problem.error(r.at(pointer), r.key().toString(), path(pointer) + ": " + e.getMessage()));
                return null;
            }
        }
        // Creators see unknown fields after the known ones: report them in the order written.
        problems.subList(before, problems.size()).sort(java.util.Comparator.comparingInt(pr -> pr.location().line()));
        return wrong || problems.subList(before, problems.size()).stream().anyMatch(Problem::isError) ? null : value;
    }

    /** Adds what a round found that an earlier round did not (unknown fields before a wrong value are seen again). */
    private static void addNew(List<Problem> problems, List<Problem> found) {
        for (Problem p : found) if (!problems.contains(p)) problems.add(p);
    }

    /**
     * The copy of a resource's tree that wrong values are taken out of, and what was taken: an item
     * taken out of a list shifts the ones after it, so pointers into the copy are turned back into
     * the file's before they are located.
     */
    private static final class Removals {
        JsonNode tree;
        private boolean copied;
        /** Original pointer of a list → the original indexes taken out of it, ascending. */
        private final Map<String, List<Integer>> items = new java.util.HashMap<>();
        private final java.util.Set<String> taken = new java.util.HashSet<>();

        Removals(JsonNode tree) {
            this.tree = tree;
        }

        /** The file's pointer of a pointer into the copy. */
        String original(String copyPointer) {
            if (items.isEmpty()) return copyPointer;
            StringBuilder orig = new StringBuilder();
            JsonNode at = tree;
            for (String seg : copyPointer.split("/")) {
                if (seg.isEmpty()) continue;
                if (at != null && at.isArray() && seg.chars().allMatch(Character::isDigit)) {
                    int c = Integer.parseInt(seg);
                    int o = c;
                    for (int r : items.getOrDefault(orig.toString(), List.of())) if (r <= o) o++;
                    orig.append('/').append(o);
                    at = at.get(c);
                } else {
                    orig.append('/').append(seg);
                    at = at == null ? null : at.get(seg.replace("~1", "/").replace("~0", "~"));
                }
            }
            return orig.toString();
        }

        /** Whether the node at this pointer into the copy was taken out. */
        boolean removed(String copyPointer) {
            return taken.contains(original(copyPointer));
        }

        /** Takes the node at this pointer into the copy out; false when there is none. */
        boolean remove(String copyPointer) {
            if (!copied) {
                tree = tree.deepCopy();
                copied = true;
            }
            int slash = copyPointer.lastIndexOf('/');
            JsonNode parent = slash <= 0 ? tree : tree.at(copyPointer.substring(0, slash));
            String seg = copyPointer.substring(slash + 1);
            String orig = original(copyPointer);
            if (parent instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                String name = seg.replace("~1", "/").replace("~0", "~");
                if (!o.has(name)) return false;
                o.remove(name);
            } else if (parent instanceof com.fasterxml.jackson.databind.node.ArrayNode a
                    && seg.chars().allMatch(Character::isDigit) && !seg.isEmpty() && Integer.parseInt(seg) < a.size()) {
                a.remove(Integer.parseInt(seg));
                List<Integer> out = items.computeIfAbsent(orig.substring(0, orig.lastIndexOf('/')), k -> new ArrayList<>());
                out.add(Integer.parseInt(orig.substring(orig.lastIndexOf('/') + 1)));
                out.sort(null);
            } else {
                return false;
            }
            taken.add(orig);
            return true;
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
            Removals removals = (Removals) ctxt.getAttribute(REMOVALS);
            // The field's own context, whatever the parser is on: a value that opens a list or a mapping
            // (and a record's buffered properties) put contexts of their own below it.
            JsonStreamContext own = p.getParsingContext();
            while (own != null && !name.equals(own.getCurrentName())) own = own.getParent();
            String copy = own == null ? pointerOf(p.getParsingContext())
                    : pointerOf(own.getParent()) + "/" + YamlResources.escape(name);
            String field = (String) ctxt.getAttribute(BASE) + (removals == null ? copy : removals.original(copy));
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
