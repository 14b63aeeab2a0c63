package dev.aigw.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigw.translate.BodyFormat;
import dev.aigw.translate.Schema;
import dev.aigw.translate.TextSlot;
import dev.aigw.translate.SseEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * A client-format event stream held back until the response guards that take whole answers (the
 * webhook, Bedrock Guardrails, Model Armor) have judged its text: a route with one gives up
 * streaming for it (its events are released together at the end). Pure; one per exchange.
 */
public final class HeldStream {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BodyFormat format;
    private final List<SseEvent> events = new ArrayList<>();
    private final List<ObjectNode> parsed = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private boolean toolCalls;
    private long bytes;

    public HeldStream(Schema schema) {
        this.format = BodyFormat.of(schema);
    }

    public void add(List<SseEvent> more) {
        for (SseEvent e : more) {
            bytes += e.data().length();
            events.add(e);
            ObjectNode d = null;
            try {
                if (!e.isDone() && JSON.readTree(e.data()) instanceof ObjectNode o) d = o;
            } catch (JsonProcessingException ex) {
                d = null;
            }
            parsed.add(d);
            if (d != null) read(d);
        }
    }

    private void read(ObjectNode d) {
        text.append(format.streamText(d));
        toolCalls |= format.streamCallsTool(d);
    }

    /** How much is held (characters of event data), so the holder can bound it. */
    public long size() {
        return bytes;
    }

    /** Whether the answer calls tools: the response webhook skips those, the cloud guards judge their text. */
    public boolean hasToolCalls() {
        return toolCalls;
    }

    public String text() {
        return text.toString();
    }

    /** The held text as a whole response of the schema, for the webhook. */
    public ObjectNode asBody() {
        return format.responseWithText(text.toString());
    }

    /** The text of a whole response body of the schema (as the webhook may have masked it). */
    public String textOf(ObjectNode body) {
        StringBuilder sb = new StringBuilder();
        for (TextSlot s : format.responseText(body)) sb.append(s.text());
        return sb.toString();
    }

    /** The held events unchanged. */
    public List<SseEvent> events() {
        return List.copyOf(events);
    }

    /**
     * The held events with their text replaced by {@code newText}: the first text-bearing event
     * carries it whole, later ones carry none; every other event (ids, finish, usage) is kept.
     */
    public List<SseEvent> withText(String newText) {
        List<SseEvent> out = new ArrayList<>();
        boolean placed = false;
        for (int i = 0; i < events.size(); i++) {
            ObjectNode d = parsed.get(i);
            SseEvent e = events.get(i);
            if (d == null || !format.carriesStreamText(d)) {
                out.add(e);
                continue;
            }
            ObjectNode copy = d.deepCopy();
            format.setStreamText(copy, placed ? "" : newText);
            placed = true;
            out.add(new SseEvent(e.event(), copy.toString(), e.id()));
        }
        return format.withWholeText(out, newText);
    }
}
