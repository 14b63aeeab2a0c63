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
        if (resp.headWritten()) {
            // The status line is gone; all that is left is to cut the response short.
            resp.reset();
            return;
        }
        ObjectNode err = JsonNodeFactory.instance.objectNode();
        ObjectNode e = err.putObject("error");
        e.put("message", message);
        e.put("type", type);
        e.put("code", status);
        resp.setStatusCode(status);
        resp.headers().set("content-type", "application/json");
        resp.end(err.toString());
    }
}
