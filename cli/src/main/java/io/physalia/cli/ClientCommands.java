package io.physalia.cli;

import io.physalia.client.ApiJson;
import io.physalia.client.CellLocation;
import io.physalia.client.Consistency;
import io.physalia.client.Json;
import io.physalia.client.LeaseInfo;
import io.physalia.client.LeaseResult;
import io.physalia.client.MemberStatus;
import io.physalia.client.PhysaliaClient;
import io.physalia.client.PhysaliaException;
import io.physalia.client.Response;
import io.physalia.client.Session;
import io.physalia.client.TxnBuilder;
import io.physalia.client.TxnOutcome;
import io.physalia.core.kv.OpResult;
import java.io.PrintStream;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The client commands of {@code physalia}, against any colony (its nodes given by {@code --node}):
 * create (by hand), put, get, delete, increment, txn, scan, lease, cell-status. Each prints the
 * node's JSON answer (cell-status prints one line per member). Exit codes: 0 the cell answered
 * (a transaction's own status, such as CONDITION_FAILED, is in the answer), 1 failed (not
 * applied, or refused by the cell), 2 usage, 3 outcome unknown.
 */
final class ClientCommands {
    static final Set<String> COMMANDS = Set.of("create", "put", "get", "delete", "increment", "txn", "scan", "lease", "cell-status");
    static final Set<String> LEASE_ACTIONS = Set.of("acquire", "renew", "release", "show");

    private final PrintStream out;
    private final PrintStream err;

    /** A usage error: exit code 2, with the message and the usage text. */
    static final class Usage extends RuntimeException {
        Usage(String message) {
            super(message);
        }
    }

    private ClientCommands(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Whether {@code args} is a client command (create with --client-rack belongs to the control plane). */
    static boolean handles(String[] args) {
        return args.length > 0 && COMMANDS.contains(args[0]) && !(args[0].equals("create")
                && Arrays.stream(args).anyMatch(a -> a.equals("--client-rack") || a.startsWith("--client-rack=")));
    }

    /** Runs one command; returns its exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return new ClientCommands(out, err).run(args);
    }

    private int run(String[] args) {
        String cmd = args[0];
        String action = null;
        int first = 1;
        try {
            if (cmd.equals("lease")) {
                if (args.length < 2 || !LEASE_ACTIONS.contains(args[1])) {
                    throw new Usage("lease needs an action first: acquire, renew, release or show");
                }
                action = args[1];
                first = 2;
            }
            Map<String, String> f;
            try {
                f = Main.flags(Arrays.copyOfRange(args, first, args.length));
            } catch (IllegalArgumentException e) {
                throw new Usage(e.getMessage());
            }
            String cell = required(f, "cell");
            PhysaliaClient client = new PhysaliaClient(nodes(f.getOrDefault("node", Main.DEFAULT_NODES)));
            return switch (cmd) {
                case "create" -> {
                    allow(f, "node", "cell", "members");
                    yield print(cmd, client.createCell(cell, List.of(required(f, "members").split(","))));
                }
                case "put" -> {
                    allow(f, "node", "cell", "key", "string", "int", "bool", "bytes");
                    yield print(cmd, client.put(cell, required(f, "key"), value(f)));
                }
                case "get" -> {
                    allow(f, "node", "cell", "key", "consistency");
                    String c = consistency(f).name().toLowerCase(java.util.Locale.ROOT);
                    yield print(cmd, client.get(cell, required(f, "key"), c));
                }
                case "txn" -> {
                    allow(f, "node", "cell", "json");
                    String json = required(f, "json");
                    if (!json.strip().startsWith("{")) {
                        throw new Usage("--json must be a JSON object: {\"conditions\": [...], \"ops\": [...]}");
                    }
                    yield print(cmd, client.txn(cell, json));
                }
                case "delete" -> {
                    allow(f, "node", "cell", "key");
                    yield print(client.session().transact(cell, TxnBuilder.txn().delete(required(f, "key")).build()));
                }
                case "increment" -> {
                    allow(f, "node", "cell", "key", "delta");
                    BigInteger delta = integer(f, "delta", "1");
                    yield print(client.session().transact(cell, TxnBuilder.txn().increment(required(f, "key"), delta).build()));
                }
                case "scan" -> scan(client.session(), cell, f);
                case "lease" -> lease(client.session(), cell, action, f);
                default -> cellStatus(client, cell, f);
            };
        } catch (Usage e) {
            err.println("physalia: " + e.getMessage());
            err.println(Main.USAGE);
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("physalia " + cmd + ": unexpected answer: " + e.getMessage());
            return 1;
        } catch (PhysaliaException.OutcomeUnknown e) {
            err.println("physalia " + cmd + ": " + e.getMessage() + " (client " + e.clientId() + ", seq " + e.seq() + ")");
            return 3;
        } catch (PhysaliaException e) {
            err.println("physalia " + cmd + ": " + e.getMessage());
            return 1;
        }
    }

    private int print(String cmd, Response r) {
        out.println(r.body());
        if (!r.ok()) {
            err.println("physalia " + cmd + ": HTTP " + r.status() + " from " + r.node());
            return 1;
        }
        return 0;
    }

    private int print(TxnOutcome t) {
        out.println(t.json());
        return 0;
    }

    private int scan(Session s, String cell, Map<String, String> f) throws PhysaliaException {
        allow(f, "node", "cell", "prefix", "start", "end", "page-size", "page-token", "all", "consistency");
        if (f.containsKey("prefix") && (f.containsKey("start") || f.containsKey("end"))) {
            throw new Usage("give --prefix or a range (--start, --end), not both");
        }
        boolean all = bool(f, "all");
        if (all && f.containsKey("page-token")) {
            throw new Usage("--all starts from the first page; it takes no --page-token");
        }
        int pageSize = (int) positive(f, "page-size", 100, Integer.MAX_VALUE);
        Consistency c = consistency(f);
        String token = f.get("page-token");
        StringBuilder entries = new StringBuilder();
        int pages = 0;
        do {
            OpResult.ScanPage page = s.scan(cell, f.get("prefix"), f.get("start"), f.get("end"), token, pageSize, c);
            for (OpResult.Entry e : page.entries()) {
                entries.append(entries.isEmpty() ? "" : ",").append("{\"key\":").append(Json.quote(e.key()))
                        .append(",\"value\":").append(ApiJson.display(e.value().value())).append(",\"version\":")
                        .append(e.value().version()).append('}');
            }
            token = page.nextPageToken();
            pages++;
        } while (all && token != null);
        out.println("{\"cell\":" + Json.quote(cell) + ",\"entries\":[" + entries + "],\"pages\":" + pages
                + ",\"nextPageToken\":" + (token == null ? "null" : Json.quote(token)) + "}");
        return 0;
    }

    private int lease(Session s, String cell, String action, Map<String, String> f) throws PhysaliaException {
        switch (action) {
            case "show" -> {
                allow(f, "node", "cell", "name", "consistency");
                LeaseInfo info = s.lease(cell, required(f, "name"), consistency(f));
                out.println(info.json());
                return 0;
            }
            case "acquire" -> {
                allow(f, "node", "cell", "name", "holder", "duration-ms");
                long ms = positive(f, "duration-ms", -1, Long.MAX_VALUE);
                return print(s.acquireLease(cell, required(f, "name"), required(f, "holder"), Duration.ofMillis(ms)));
            }
            default -> {
                allow(f, "node", "cell", "name", "holder", "token");
                long token = positive(f, "token", -1, Long.MAX_VALUE);
                return print(action.equals("renew") ? s.renewLease(cell, required(f, "name"), required(f, "holder"), token)
                        : s.releaseLease(cell, required(f, "name"), required(f, "holder"), token));
            }
        }
    }

    private int print(LeaseResult l) {
        out.println(l.json());
        if (!l.held() && l.status() != io.physalia.core.cell.CommandResult.LeaseStatus.RELEASED) {
            err.println("physalia lease: " + l.status() + " (holder " + l.holder() + ")");
            return 1;
        }
        return 0;
    }

    private int cellStatus(PhysaliaClient client, String cell, Map<String, String> f) throws PhysaliaException {
        allow(f, "node", "cell");
        List<MemberStatus> members = client.session().cellStatus(cell);
        CellLocation loc = client.cached(cell);
        out.printf("cell %s: configuration epoch %d, members %s%n", cell, loc.epoch(),
                loc.members().stream().map(CellLocation.Member::node).toList());
        int failed = 0;
        for (MemberStatus m : members) {
            if (m.error() != null) {
                failed++;
                out.printf("  %-6s %-21s %s%n", m.node(), m.http() == null ? "-" : m.http(), "error: " + m.error());
                continue;
            }
            Map<String, Object> st = m.status();
            out.printf("  %-6s %-21s %-8s member %-10s applied up to %-6s epoch %-4s%s%n", m.node(), m.http(),
                    Boolean.TRUE.equals(st.get("leader")) ? "leader" : "follower", st.get("member"), st.get("appliedUpTo"),
                    st.get("epoch"), st.get("stopped") == null ? "" : "  STOPPED: " + st.get("stopped"));
        }
        if (failed > members.size() / 2) {
            err.println("physalia cell-status: " + failed + " of " + members.size() + " members did not answer");
            return 1;
        }
        return 0;
    }

    // ---- flags -------------------------------------------------------------------------------

    private static Consistency consistency(Map<String, String> f) {
        try {
            return Consistency.parse(f.getOrDefault("consistency", "linearizable"));
        } catch (IllegalArgumentException e) {
            throw new Usage("--" + e.getMessage());
        }
    }

    private static List<String> nodes(String list) {
        List<String> nodes = List.of(list.split(","));
        for (String n : nodes) {
            if (n.isBlank() || n.lastIndexOf(':') <= 0) {
                throw new Usage("--node entries must be host:port, got '" + n + "'");
            }
        }
        return nodes;
    }

    static String value(Map<String, String> f) {
        String v = null;
        int given = 0;
        if (f.containsKey("string")) {
            v = "{\"string\":" + Json.quote(f.get("string")) + "}";
            given++;
        }
        if (f.containsKey("int")) {
            v = "{\"int\":\"" + integer(f, "int", null) + "\"}";
            given++;
        }
        if (f.containsKey("bool")) {
            v = "{\"bool\":" + bool(f, "bool") + "}";
            given++;
        }
        if (f.containsKey("bytes")) {
            try {
                java.util.Base64.getDecoder().decode(f.get("bytes"));
            } catch (IllegalArgumentException e) {
                throw new Usage("--bytes must be base64: " + e.getMessage());
            }
            v = "{\"bytes\":" + Json.quote(f.get("bytes")) + "}";
            given++;
        }
        if (given != 1) {
            throw new Usage("give exactly one of --string, --int, --bool, --bytes");
        }
        return v;
    }

    private static BigInteger integer(Map<String, String> f, String k, String dflt) {
        String v = f.getOrDefault(k, dflt);
        if (v == null || !v.matches("-?[0-9]{1,2000}")) {
            throw new Usage("--" + k + " must be a decimal integer");
        }
        return new BigInteger(v);
    }

    private static boolean bool(Map<String, String> f, String k) {
        String v = f.getOrDefault(k, "false");
        if (!v.equals("true") && !v.equals("false")) {
            throw new Usage("--" + k + " must be true or false");
        }
        return v.equals("true");
    }

    /** A positive integer flag; {@code dflt} < 0 makes it required. */
    private static long positive(Map<String, String> f, String k, long dflt, long max) {
        String v = f.get(k);
        if (v == null) {
            if (dflt < 0) {
                throw new Usage("missing --" + k);
            }
            return dflt;
        }
        try {
            long n = Long.parseLong(v);
            if (n < 1 || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new Usage("--" + k + " must be a positive integer, got '" + v + "'");
        }
    }

    private static void allow(Map<String, String> f, String... allowed) {
        for (String k : f.keySet()) {
            if (!List.of(allowed).contains(k)) {
                throw new Usage("unknown flag --" + k + " (this command takes --" + String.join(", --", allowed) + ")");
            }
        }
    }

    private static String required(Map<String, String> f, String k) {
        String v = f.get(k);
        if (v == null || v.isBlank()) {
            throw new Usage("missing --" + k);
        }
        return v;
    }
}
