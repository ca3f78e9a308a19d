package io.physalia.client;

import io.physalia.core.kv.Condition;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.OpResult;
import io.physalia.core.kv.Transaction;
import io.physalia.core.kv.TxnResult;
import io.physalia.core.kv.TxnStatus;
import io.physalia.core.kv.Value;
import io.physalia.core.kv.VersionedValue;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The node API's JSON form of typed values, transactions and results (docs/openapi.yaml), for
 * the client: it writes transactions and reads results into core's own types. Integers travel as
 * decimal strings and bytes as base64, so nothing is lost.
 */
public final class ApiJson {
    private ApiJson() {}

    public static String value(Value v) {
        return switch (v) {
            case Value.Int i -> "{\"int\":\"" + i.value() + "\"}";
            case Value.Bool b -> "{\"bool\":" + b.value() + "}";
            case Value.Bytes b -> "{\"bytes\":\"" + Base64.getEncoder().encodeToString(b.toArray()) + "\"}";
        };
    }

    /**
     * A value as the nodes show it: bytes that are valid UTF-8 also carry their text as
     * {@code string} (as the API's answers do); for display, not for requests.
     */
    public static String display(Value v) {
        if (v instanceof Value.Bytes b) {
            byte[] bytes = b.toArray();
            try {
                String text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
                return "{\"bytes\":\"" + Base64.getEncoder().encodeToString(bytes) + "\",\"string\":" + Json.quote(text) + "}";
            } catch (java.nio.charset.CharacterCodingException e) {
                return value(v);
            }
        }
        return value(v);
    }

    /** The request body of a transaction, with the session's client id and seq when given. */
    static String transaction(Transaction t, String clientId, long seq) {
        StringBuilder b = new StringBuilder("{");
        if (clientId != null) {
            b.append("\"client\":").append(Json.quote(clientId)).append(",\"seq\":").append(seq).append(',');
        }
        b.append("\"conditions\":[");
        for (int i = 0; i < t.conditions().size(); i++) {
            b.append(i == 0 ? "" : ",").append(condition(t.conditions().get(i)));
        }
        b.append("],\"ops\":[");
        for (int i = 0; i < t.ops().size(); i++) {
            b.append(i == 0 ? "" : ",").append(op(t.ops().get(i)));
        }
        return b.append("]}").toString();
    }

    private static String condition(Condition c) {
        String key = Json.quote(c.key());
        return switch (c) {
            case Condition.Exists e -> "{\"type\":\"exists\",\"key\":" + key + "}";
            case Condition.Absent a -> "{\"type\":\"absent\",\"key\":" + key + "}";
            case Condition.ValueEquals v -> "{\"type\":\"equals\",\"key\":" + key + ",\"value\":" + value(v.value()) + "}";
            case Condition.VersionEquals v -> "{\"type\":\"version\",\"key\":" + key + ",\"version\":" + v.version() + "}";
        };
    }

    private static String op(Op o) {
        return switch (o) {
            case Op.Get g -> "{\"op\":\"get\",\"key\":" + Json.quote(g.key()) + "}";
            case Op.Put p -> "{\"op\":\"put\",\"key\":" + Json.quote(p.key()) + ",\"value\":" + value(p.value()) + "}";
            case Op.Delete d -> "{\"op\":\"delete\",\"key\":" + Json.quote(d.key()) + "}";
            case Op.Increment n -> "{\"op\":\"increment\",\"key\":" + Json.quote(n.key()) + ",\"delta\":\"" + n.delta() + "\"}";
            case Op.Scan s -> {
                StringBuilder b = new StringBuilder("{\"op\":\"scan\"");
                optional(b, "prefix", s.prefix());
                optional(b, "start", s.startInclusive());
                optional(b, "end", s.endExclusive());
                optional(b, "pageToken", s.pageToken());
                yield b.append(",\"pageSize\":").append(s.pageSize()).append('}').toString();
            }
        };
    }

    private static void optional(StringBuilder b, String field, String v) {
        if (v != null) {
            b.append(",\"").append(field).append("\":").append(Json.quote(v));
        }
    }

    // ---- reading answers -----------------------------------------------------------------------

    static Value value(Object json) {
        Map<String, Object> o = Json.object(json);
        if (o.get("int") instanceof String s) {
            return Value.ofInt(new BigInteger(s));
        }
        if (o.get("bool") instanceof Boolean b) {
            return Value.ofBool(b);
        }
        if (o.get("bytes") instanceof String s) {
            return Value.ofBytes(Base64.getDecoder().decode(s));
        }
        throw new IllegalArgumentException("not a typed value: " + json);
    }

    static VersionedValue versioned(Map<String, Object> o) {
        return Json.bool(o, "found") ? new VersionedValue(value(o.get("value")), Json.number(o, "version", 0)) : null;
    }

    static TxnResult txnResult(Map<String, Object> o) {
        List<OpResult> results = new ArrayList<>();
        for (Object r : Json.list(o, "results")) {
            results.add(opResult(Json.object(r)));
        }
        String detail = Json.string(o, "detail");
        return new TxnResult(TxnStatus.valueOf(Json.string(o, "status")), detail == null ? "" : detail,
                Json.number(o, "revision", 0), results);
    }

    static OpResult opResult(Map<String, Object> o) {
        String key = Json.string(o, "key");
        return switch (String.valueOf(Json.string(o, "op"))) {
            case "get" -> new OpResult.Read(key, versioned(o));
            case "written" -> new OpResult.Written(key, versioned(o));
            case "delete" -> new OpResult.Deleted(key, Json.bool(o, "existed"));
            case "scan" -> scanPage(o);
            default -> throw new IllegalArgumentException("unknown op result " + o);
        };
    }

    static OpResult.ScanPage scanPage(Map<String, Object> o) {
        List<OpResult.Entry> entries = new ArrayList<>();
        for (Object e : Json.list(o, "entries")) {
            Map<String, Object> m = Json.object(e);
            entries.add(new OpResult.Entry(Json.string(m, "key"), versioned(m)));
        }
        return new OpResult.ScanPage(entries, Json.string(o, "nextPageToken"));
    }
}
