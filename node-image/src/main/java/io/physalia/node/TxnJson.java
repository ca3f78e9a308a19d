package io.physalia.node;

import io.physalia.core.kv.Condition;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.OpResult;
import io.physalia.core.kv.Transaction;
import io.physalia.core.kv.TxnResult;
import io.physalia.core.kv.Value;
import io.physalia.core.kv.VersionedValue;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The HTTP API's JSON form of transactions, values and results (docs/openapi.yaml). Parsing is
 * strict: unknown fields, unknown ops, floats and wrong types are refused with a message that
 * names the problem and where it is.
 */
final class TxnJson {
    /** Longest decimal integer accepted before parsing (the cell's own limit is in bits, checked by core). */
    static final int MAX_INT_DIGITS = 2000;
    /** The page size of a scan that names none. */
    static final int DEFAULT_PAGE_SIZE = 100;

    private TxnJson() {}

    static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message);
        }
    }

    /** A parsed transaction request; {@code clientId} is null when the caller gave no session. */
    record TxnRequest(String clientId, long seq, Transaction txn) {}

    /** A write's session: the client id and its sequence number, or null when the request names none. */
    record Session(String client, long seq) {}

    /** The optional {@code client} and {@code seq} of a write: both or neither. */
    static Session session(JsonObject body) throws BadRequest {
        if (!body.containsKey("client") && !body.containsKey("seq")) {
            return null;
        }
        String client = string(body, "client", "request");
        long seq = longValue(body.getValue("seq"), "request.seq");
        if (client.isEmpty() || seq < 1) {
            throw new BadRequest("request.client must be non-empty and request.seq a positive integer");
        }
        return new Session(client, seq);
    }

    static TxnRequest parseTxn(JsonObject body) throws BadRequest {
        allowOnly(body, "request", Set.of("client", "seq", "conditions", "ops"));
        Session session = session(body);
        String client = session == null ? null : session.client();
        long seq = session == null ? 0 : session.seq();
        List<Condition> conditions = new ArrayList<>();
        JsonArray cs = array(body, "conditions", false);
        for (int i = 0; cs != null && i < cs.size(); i++) {
            conditions.add(condition(object(cs.getValue(i), "conditions[" + i + "]"), "conditions[" + i + "]"));
        }
        JsonArray os = array(body, "ops", true);
        if (os.isEmpty()) {
            throw new BadRequest("request.ops must hold at least one op");
        }
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < os.size(); i++) {
            ops.add(op(object(os.getValue(i), "ops[" + i + "]"), "ops[" + i + "]"));
        }
        return new TxnRequest(client, seq, new Transaction(conditions, ops));
    }

    private static Condition condition(JsonObject c, String at) throws BadRequest {
        String type = string(c, "type", at);
        return switch (type) {
            case "exists" -> {
                allowOnly(c, at, Set.of("type", "key"));
                yield new Condition.Exists(string(c, "key", at));
            }
            case "absent" -> {
                allowOnly(c, at, Set.of("type", "key"));
                yield new Condition.Absent(string(c, "key", at));
            }
            case "equals" -> {
                allowOnly(c, at, Set.of("type", "key", "value"));
                yield new Condition.ValueEquals(string(c, "key", at), value(c.getValue("value"), at + ".value"));
            }
            case "version" -> {
                allowOnly(c, at, Set.of("type", "key", "version"));
                yield new Condition.VersionEquals(string(c, "key", at), longValue(c.getValue("version"), at + ".version"));
            }
            default -> throw new BadRequest(at + ".type '" + type + "' is not a condition (exists, absent, equals, version)");
        };
    }

    private static Op op(JsonObject o, String at) throws BadRequest {
        String op = string(o, "op", at);
        return switch (op) {
            case "get" -> {
                allowOnly(o, at, Set.of("op", "key"));
                yield new Op.Get(string(o, "key", at));
            }
            case "put" -> {
                allowOnly(o, at, Set.of("op", "key", "value"));
                yield new Op.Put(string(o, "key", at), value(o.getValue("value"), at + ".value"));
            }
            case "delete" -> {
                allowOnly(o, at, Set.of("op", "key"));
                yield new Op.Delete(string(o, "key", at));
            }
            case "increment" -> {
                allowOnly(o, at, Set.of("op", "key", "delta"));
                yield new Op.Increment(string(o, "key", at), bigInteger(o.getValue("delta"), at + ".delta"));
            }
            case "scan" -> {
                allowOnly(o, at, Set.of("op", "prefix", "start", "end", "pageToken", "pageSize"));
                long pageSize = o.containsKey("pageSize") ? longValue(o.getValue("pageSize"), at + ".pageSize") : DEFAULT_PAGE_SIZE;
                yield new Op.Scan(optString(o, "prefix", at), optString(o, "start", at), optString(o, "end", at),
                        optString(o, "pageToken", at), (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, pageSize)));
            }
            default -> throw new BadRequest(at + ".op '" + op + "' is not an op (get, put, delete, increment, scan)");
        };
    }

    static Value value(Object v, String at) throws BadRequest {
        if (v == null) {
            throw new BadRequest(at + " is missing: a value is {\"int\": \"123\"}, {\"bytes\": \"base64\"}, {\"bool\": true} or {\"string\": \"utf-8 text\"}");
        }
        JsonObject o = object(v, at);
        if (o.size() != 1) {
            throw new BadRequest(at + " must have exactly one of int, bytes, bool, string; it has " + o.fieldNames());
        }
        String type = o.fieldNames().iterator().next();
        Object x = o.getValue(type);
        return switch (type) {
            case "int" -> Value.ofInt(bigInteger(x, at + ".int"));
            case "bool" -> {
                if (!(x instanceof Boolean b)) {
                    throw new BadRequest(at + ".bool must be true or false");
                }
                yield Value.ofBool(b);
            }
            case "string" -> {
                if (!(x instanceof String s)) {
                    throw new BadRequest(at + ".string must be a JSON string");
                }
                yield Value.ofUtf8(s);
            }
            case "bytes" -> {
                if (!(x instanceof String s)) {
                    throw new BadRequest(at + ".bytes must be a base64 string");
                }
                try {
                    yield Value.ofBytes(Base64.getDecoder().decode(s));
                } catch (IllegalArgumentException e) {
                    throw new BadRequest(at + ".bytes is not valid base64: " + e.getMessage());
                }
            }
            case "float", "double", "number" -> throw new BadRequest(at + ": floating-point values are not supported "
                    + "(values are bytes, arbitrary-precision integers and booleans)");
            default -> throw new BadRequest(at + " has unknown value type '" + type + "' (int, bytes, bool, string)");
        };
    }

    static BigInteger bigInteger(Object x, String at) throws BadRequest {
        if (x instanceof Integer || x instanceof Long) {
            return BigInteger.valueOf(((Number) x).longValue());
        }
        if (x instanceof BigInteger b) {
            return b;
        }
        if (x instanceof Double || x instanceof Float || x instanceof BigDecimal) {
            throw new BadRequest(at + ": floating-point numbers are not supported; give an integer as a decimal string");
        }
        if (x instanceof String s) {
            if (s.length() > MAX_INT_DIGITS || !s.matches("-?[0-9]+")) {
                throw new BadRequest(at + " must be a decimal integer string like \"-123\" (at most " + MAX_INT_DIGITS + " digits)");
            }
            return new BigInteger(s);
        }
        throw new BadRequest(at + " must be an integer (a decimal string for big values)");
    }

    static long longValue(Object x, String at) throws BadRequest {
        BigInteger b = bigInteger(x, at);
        if (b.bitLength() > 63) {
            throw new BadRequest(at + " is out of range");
        }
        return b.longValue();
    }

    static void allowOnly(JsonObject o, String at, Set<String> allowed) throws BadRequest {
        for (String f : o.fieldNames()) {
            if (!allowed.contains(f)) {
                throw new BadRequest(at + " has unknown field '" + f + "' (allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }

    static String string(JsonObject o, String field, String at) throws BadRequest {
        Object v = o.getValue(field);
        if (!(v instanceof String s)) {
            throw new BadRequest(at + "." + field + (v == null ? " is missing" : " must be a string"));
        }
        return s;
    }

    private static String optString(JsonObject o, String field, String at) throws BadRequest {
        return o.containsKey(field) ? string(o, field, at) : null;
    }

    private static JsonArray array(JsonObject o, String field, boolean required) throws BadRequest {
        Object v = o.getValue(field);
        if (v == null) {
            if (required) {
                throw new BadRequest("request." + field + " is missing");
            }
            return null;
        }
        if (!(v instanceof JsonArray a)) {
            throw new BadRequest("request." + field + " must be an array");
        }
        return a;
    }

    private static JsonObject object(Object v, String at) throws BadRequest {
        if (!(v instanceof JsonObject o)) {
            throw new BadRequest(at + " must be a JSON object");
        }
        return o;
    }

    // ---- rendering ---------------------------------------------------------------------------

    static JsonObject render(Value v) {
        return switch (v) {
            case Value.Int i -> new JsonObject().put("int", i.value().toString());
            case Value.Bool b -> new JsonObject().put("bool", b.value());
            case Value.Bytes b -> {
                byte[] bytes = b.toArray();
                JsonObject o = new JsonObject().put("bytes", Base64.getEncoder().encodeToString(bytes));
                String text = utf8OrNull(bytes);
                if (text != null) {
                    o.put("string", text);
                }
                yield o;
            }
        };
    }

    private static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static JsonObject render(TxnResult r) {
        JsonArray results = new JsonArray();
        for (OpResult o : r.results()) {
            results.add(render(o));
        }
        return new JsonObject().put("status", r.status().name()).put("detail", r.detail())
                .put("revision", r.revision()).put("results", results);
    }

    static JsonObject render(OpResult o) {
        return switch (o) {
            case OpResult.Read rd -> versioned(new JsonObject().put("op", "get").put("key", rd.key()), rd.found());
            case OpResult.Written w -> versioned(new JsonObject().put("op", "written").put("key", w.key()), w.now());
            case OpResult.Deleted d -> new JsonObject().put("op", "delete").put("key", d.key()).put("existed", d.existed());
            case OpResult.ScanPage p -> {
                JsonArray entries = new JsonArray();
                for (OpResult.Entry e : p.entries()) {
                    entries.add(versioned(new JsonObject().put("key", e.key()), e.value()));
                }
                yield new JsonObject().put("op", "scan").put("entries", entries).put("nextPageToken", p.nextPageToken());
            }
        };
    }

    private static JsonObject versioned(JsonObject o, VersionedValue vv) {
        if (vv == null) {
            return o.put("found", false);
        }
        return o.put("found", true).put("value", render(vv.value())).put("version", vv.version());
    }
}
