package dev.aigw.translate;

/**
 * The {@code type} and {@code delta} of an OpenAI Responses stream event, read by hand from the
 * payload's bytes ({@link JsonBytes}, no tree), each the last one given and null when it is not a
 * string: all {@link IdentityStream} needs of every event but the few that carry the response
 * itself ({@link #carriesResponse}), which it reads from the tree.
 */
record ResponsesDelta(String type, String delta) {
    private static final byte[] TYPE = JsonBytes.ascii("type");
    private static final byte[] DELTA = JsonBytes.ascii("delta");

    /** Events whose {@code response} (model, status, usage) is read from the tree. */
    static boolean carriesResponse(String type) {
        return type != null && switch (type) {
            case "response.created", "response.completed", "response.incomplete", "response.failed" -> true;
            default -> false;
        };
    }

    /** The payload at {@code [off, off + len)}; null when it leaves it to the tree (also when it is not an object). */
    static ResponsesDelta read(byte[] a, int off, int len) {
        return JsonBytes.object(a, off, len, ResponsesDelta::read);
    }

    private static ResponsesDelta read(JsonBytes j) {
        String type = null;
        String delta = null;
        if (j.openObject()) {
            do {
                j.name();
                if (j.nameIs(TYPE)) type = j.stringOrNull();
                else if (j.nameIs(DELTA)) delta = j.stringOrNull();
                else j.skip();
            } while (j.nextMember());
        }
        return new ResponsesDelta(type, delta);
    }
}
