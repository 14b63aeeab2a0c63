package dev.aigw.limit;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The few messages of Envoy's rate-limit service ({@code envoy.service.ratelimit.v3}), written and
 * read by hand with protobuf's coded streams: no generated code, no protoc at build time.
 *
 * <pre>
 * RateLimitRequest { string domain = 1; repeated RateLimitDescriptor descriptors = 2; uint32 hits_addend = 3; }
 * RateLimitDescriptor { repeated Entry entries = 1 {string key = 1; string value = 2;};
 *                       RateLimitOverride limit = 2 {uint32 requests_per_unit = 1; Unit unit = 2;};
 *                       google.protobuf.UInt32Value hits_addend = 3; }
 * RateLimitResponse { Code overall_code = 1; repeated DescriptorStatus statuses = 2; }
 * DescriptorStatus { Code code = 1; RateLimit current_limit = 2 {uint32 requests_per_unit = 1; Unit unit = 2; string name = 3;};
 *                    uint32 limit_remaining = 3; google.protobuf.Duration duration_until_reset = 4; }
 * Code: UNKNOWN 0, OK 1, OVER_LIMIT 2.  Unit: UNKNOWN 0, SECOND 1, MINUTE 2, HOUR 3, DAY 4, MONTH 5, YEAR 6.
 * </pre>
 */
final class RlsMessages {
    static final String METHOD = "envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit";
    static final int OK = 1, OVER_LIMIT = 2;

    private RlsMessages() {
    }

    /** One descriptor to send: entries, an optional limit override, the hits it adds. */
    record Desc(List<Map.Entry<String, String>> entries, Descriptor.Limit override, long hits) {
    }

    record Status(int code, long limit, int unit, long remaining, long resetSeconds) {
    }

    record Reply(int overall, List<Status> statuses) {
    }

    static byte[] request(String domain, List<Desc> descs) {
        return write(out -> {
            out.writeString(1, domain);
            for (Desc d : descs) {
                byte[] db = write(o -> {
                    for (Map.Entry<String, String> e : d.entries()) {
                        o.writeByteArray(1, write(eo -> {
                            eo.writeString(1, e.getKey());
                            eo.writeString(2, e.getValue());
                        }));
                    }
                    if (d.override() != null) {
                        o.writeByteArray(2, write(lo -> {
                            lo.writeUInt32(1, (int) Math.min(d.override().perUnit(), 0xFFFFFFFFL));
                            lo.writeEnum(2, unit(d.override().unit()));
                        }));
                    }
                    // UInt32Value wrapper: 0 is sent explicitly (check without counting).
                    o.writeByteArray(3, write(w -> {
                        if (d.hits() != 0) w.writeUInt32(1, (int) Math.min(d.hits(), 0xFFFFFFFFL));
                    }));
                });
                out.writeByteArray(2, db);
            }
        });
    }

    static int unit(LimitUnit u) {
        return switch (u) {
            case SECOND -> 1;
            case MINUTE -> 2;
            case HOUR -> 3;
            case DAY -> 4;
            case MONTH -> 5;
        };
    }

    static Reply reply(byte[] bytes) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        int overall = 0;
        List<Status> st = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (tag >>> 3) {
                case 1 -> overall = in.readEnum();
                case 2 -> st.add(status(in.readByteArray()));
                default -> in.skipField(tag);
            }
        }
        return new Reply(overall, st);
    }

    private static Status status(byte[] b) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(b);
        int code = 0, unit = 0;
        long limit = -1, remaining = 0, reset = 0;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (tag >>> 3) {
                case 1 -> code = in.readEnum();
                case 2 -> {
                    CodedInputStream l = CodedInputStream.newInstance(in.readByteArray());
                    limit = 0;
                    for (int t; (t = l.readTag()) != 0; ) {
                        if (t >>> 3 == 1) limit = Integer.toUnsignedLong(l.readUInt32());
                        else if (t >>> 3 == 2) unit = l.readEnum();
                        else l.skipField(t);
                    }
                }
                case 3 -> remaining = Integer.toUnsignedLong(in.readUInt32());
                case 4 -> {
                    CodedInputStream d = CodedInputStream.newInstance(in.readByteArray());
                    for (int t; (t = d.readTag()) != 0; ) {
                        if (t >>> 3 == 1) reset = d.readInt64();
                        else d.skipField(t);
                    }
                }
                default -> in.skipField(tag);
            }
        }
        return new Status(code, limit, unit, remaining, reset);
    }

    interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    static byte[] write(Body b) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            b.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
