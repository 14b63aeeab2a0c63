package dev.aigw.proxy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/** The one place gateway errors become responses: JSON in OpenAI's error shape. */
public final class Errors {
    private Errors() {
    }

    public static void send(HttpServerRequest req, int status, String type, String message) {
        HttpServerResponse resp = req.response();
        if (resp.ended() || resp.closed()) return;
        ObjectNode err = JsonNodeFactory.instance.objectNode();
        ObjectNode e = err.putObject("error");
        e.put("message", message);
        e.put("type", type);
        e.put("code", status);
        if (resp.headWritten()) {
            String ct = String.valueOf(resp.headers().get("content-type"));
            if (ct.startsWith("text/event-stream")) {
                // An event stream already under way (keep-alives): the error becomes its last event.
                resp.end(errorEvent(err));
            } else {
                // The status line is gone; all that is left is to cut the response short.
                resp.reset();
            }
            return;
        }
        resp.setStatusCode(status);
        resp.headers().set("content-type", "application/json");
        resp.end(err.toString());
    }

    /** An SSE {@code error} event carrying {@code body}: how a stream already under way reports a failure. */
    static String errorEvent(Object body) {
        return "event: error\ndata: " + body + "\n\n";
    }
}
