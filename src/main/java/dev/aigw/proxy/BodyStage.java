package dev.aigw.proxy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.proxy.stage.GatewayError;
import dev.aigw.translate.Schema;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.util.regex.Pattern;

/**
 * The first stage of an AI exchange: the client's JSON body parsed once, with a short message
 * naming line and column when it is not JSON, and the values the gateway copies into headers or
 * URLs (the model) checked before anything is sent.
 */
final class BodyStage {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SOURCE = Pattern.compile("\\s*\\(start marker at \\[Source:.*?\\]\\)|\\s*at \\[Source:.*?\\]"
            + "|\\[Source:.*?\\]|\\s*\\(code \\d+\\)", Pattern.DOTALL);

    private BodyStage() {
    }

    /** The parsed body, or the reason it cannot be used. */
    sealed interface Parsed {
        record Ok(ObjectNode body) implements Parsed {
        }

        record Bad(GatewayError error) implements Parsed {
        }
    }

    /** The body of an exchange, or the reason it cannot be used. */
    sealed interface Read {
        record Body(ClientBody body) implements Read {
        }

        record Bad(GatewayError error) implements Read {
        }
    }

    /**
     * Reads an AI request body. With {@code scanAs} (the format of a body that may go upstream as
     * it came, {@link ClientBody#sentAsIs}), an ordinary body is scanned, not parsed: the model, the
     * stream flag (and an OpenAI Chat stream's include_usage) and the prompt texts are read with the
     * streaming parser and the tree is left for whoever needs it ({@link ClientBody}); other bodies
     * and shapes, and every body when {@code scanAs} is null, are parsed at once. Bad JSON gets the
     * same answer either way (the parse says what is wrong).
     */
    static Read read(Buffer raw, Schema scanAs) {
        byte[] bytes = raw.getBytes();
        if (scanAs != null && bytes.length < BodyScan.MAX_BYTES) {
            try {
                BodyScan s = BodyScan.of(bytes, scanAs);
                if (s != null) {
                    GatewayError bad = checkModel(s.model());
                    return bad != null ? new Read.Bad(bad)
                            : new Read.Body(ClientBody.scanned(bytes, s, scanAs));
                }
            } catch (IOException e) {
                // Not JSON: the parse below words the answer, as it always has.
            }
        }
        return switch (parse(bytes)) {
            case Parsed.Ok ok -> new Read.Body(ClientBody.ofTree(ok.body()));
            case Parsed.Bad bad -> new Read.Bad(bad.error());
        };
    }

    static Parsed parse(Buffer raw) {
        return parse(raw.getBytes());
    }

    static Parsed parse(byte[] raw) {
        JsonNode n;
        try {
            n = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            return new Parsed.Bad(new GatewayError.BadRequest(describe(e)));
        } catch (IOException e) {
            return new Parsed.Bad(new GatewayError.BadRequest("request body cannot be read: " + e.getMessage()));
        }
        if (!(n instanceof ObjectNode o)) {
            return new Parsed.Bad(new GatewayError.BadRequest("request body must be a JSON object, not "
                    + (n == null || n.isMissingNode() ? "empty" : n.getNodeType().name().toLowerCase(java.util.Locale.ROOT))));
        }
        GatewayError bad = checkModel(o);
        return bad == null ? new Parsed.Ok(o) : new Parsed.Bad(bad);
    }

    /** Parses quietly (model routing peeks at the body before matching); null when it is not an object. */
    static ObjectNode parseQuietly(Buffer raw) {
        try {
            return JSON.readTree(raw.getBytes()) instanceof ObjectNode o ? o : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * A model name becomes a header ({@code x-gateway-model}) and, for some providers, part of a
     * URL: one with a control character (a line break) could split either, so it is refused.
     */
    static GatewayError checkModel(ObjectNode body) {
        JsonNode m = body.get("model");
        if (m == null || !m.isTextual()) return null;
        return checkModel(m.asText());
    }

    static GatewayError checkModel(String s) {
        if (s == null) return null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return new GatewayError.BadRequest("the \"model\" field contains a control character (U+"
                        + String.format("%04X", (int) c) + ") at position " + i + "; a model name is printable text");
            }
        }
        return null;
    }

    /** "request body is not valid JSON at line 1, column 27: …", without the parser's internals. */
    static String describe(JsonProcessingException e) {
        JsonLocation l = e.getLocation();
        String where = l == null ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr();
        String why;
        if (e instanceof JsonEOFException) {
            why = "the body ends before the JSON is complete";
        } else {
            String m = String.valueOf(e.getOriginalMessage());
            int nl = m.indexOf('\n');
            if (nl >= 0) m = m.substring(0, nl);
            why = SOURCE.matcher(m).replaceAll("").strip();
            if (why.length() > 200) why = why.substring(0, 200) + "…";
        }
        return "request body is not valid JSON" + where + ": " + why;
    }
}
