package dev.aigw.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/** Shared Jackson plumbing; package-private so callers see only ObjectNode in the API. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Json() {
    }

    static ObjectNode obj() {
        return F.objectNode();
    }

    static ArrayNode arr() {
        return F.arrayNode();
    }

    /** Parses a JSON text; empty when it is not JSON. */
    static Optional<JsonNode> parse(String text) {
        try {
            JsonNode n = MAPPER.readTree(text);
            return n == null || n.isMissingNode() ? Optional.empty() : Optional.of(n);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    static Optional<ObjectNode> parseObject(String text) {
        return parse(text).filter(JsonNode::isObject).map(ObjectNode.class::cast);
    }

    static String write(JsonNode n) {
        try {
            return MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // trees we build always serialize
        }
    }

    /** Text value of a field, empty when absent, null or not a string. */
    static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
    }

    static boolean present(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && !v.isNull() && !v.isMissingNode();
    }

    /** True when some element of an array (or of a missing node: none) matches. */
    static boolean any(JsonNode array, java.util.function.Predicate<JsonNode> test) {
        for (JsonNode n : array) {
            if (test.test(n)) {
                return true;
            }
        }
        return false;
    }

    static long longOr0(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v != null && v.isNumber() ? v.asLong() : 0;
    }

    /** Writes one JSON value to a generator: a codec's encoder, for bytes or for a tree. */
    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    /** Reads one JSON value from a parser on its first token: a codec's decoder, for bytes or for a tree. */
    interface Reader<T> {
        T read(JsonParser p) throws IOException;
    }

    /** What a writer writes, as UTF-8 bytes: no tree between. */
    static byte[] bytes(Writer w, int sizeHint) {
        ByteArrayBuilder out = new ByteArrayBuilder(sizeHint);
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            w.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    /** What a writer writes, as a tree (for callers that need one: guards, tests). */
    static ObjectNode tree(Writer w) {
        try (TokenBuffer tb = new TokenBuffer(MAPPER, false)) {
            w.write(tb);
            try (JsonParser p = tb.asParser(MAPPER)) {
                p.nextToken();
                return MAPPER.readTree(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a token buffer does not fail
        }
    }

    /** A reader over bytes; empty when they are not JSON (or the reader refuses them: null). */
    static <T> Optional<T> read(byte[] bytes, Reader<T> r) {
        try (JsonParser p = MAPPER.createParser(bytes)) {
            return p.nextToken() == null ? Optional.empty() : Optional.ofNullable(r.read(p));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A reader over a tree: the same reading as of the tree's bytes. */
    static <T> T read(JsonNode tree, Reader<T> r) {
        try (JsonParser p = tree.traverse(MAPPER)) {
            p.nextToken();
            return r.read(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a tree does not fail
        }
    }

    /** The bytes as an object tree; empty when they are not a JSON object. */
    static Optional<ObjectNode> parseObject(byte[] bytes) {
        return read(bytes, p -> p.currentToken() == JsonToken.START_OBJECT ? (ObjectNode) MAPPER.readTree(p) : null);
    }
}
