package io.physalia.cli;

import io.physalia.controlplane.Action;
import io.physalia.controlplane.ActionKind;
import io.physalia.controlplane.EngineState;
import io.physalia.topology.Location;
import io.physalia.topology.NodeTopology;
import io.physalia.topology.Topology;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The local control plane's memory across restarts of {@code physalia local}: the engine's state
 * ({@link EngineState}), the colony it was written for (every node's place and color), and the
 * recent actions and events that {@code physalia status} shows. One JSON file in the colony's data
 * directory, replaced atomically (written to a temporary file, synced, renamed over the old one, the
 * directory synced), so a crash leaves the old state or the new one, never a mix. Loading checks
 * every field and names the first one that is wrong; the engine then checks that the state fits
 * the fleet ({@link io.physalia.controlplane.ControlPlane#restore}).
 */
final class ControlStateFile {
    static final String FORMAT = "physalia-local-control/1";
    static final String NAME = "control-plane.json";

    /** An action that ended, for the status view. */
    record Finished(Action action, long finishedAtMillis, boolean caughtUp, String detail) {}

    /** Everything in the file. */
    record Contents(EngineState engine, List<Finished> recentActions, List<String> recentEvents) {}

    private final Path file;

    ControlStateFile(Path dataDir) {
        this.file = dataDir.resolve(NAME);
    }

    Path path() {
        return file;
    }

    void save(Topology topology, Map<String, String> colors, Contents c) throws IOException {
        JsonObject nodes = new JsonObject();
        for (NodeTopology n : topology.nodes()) {
            nodes.put(n.node(), new JsonObject().put("zone", n.zone()).put("row", n.row()).put("rack", n.rack())
                    .put("power", n.power()).put("color", colors.get(n.node())));
        }
        EngineState e = c.engine();
        JsonArray cells = new JsonArray();
        for (EngineState.CellState cell : e.cells()) {
            JsonArray clients = new JsonArray();
            cell.clients().forEach(l -> clients.add(l.toString()));
            cells.add(new JsonObject().put("id", cell.id()).put("color", cell.color()).put("size", cell.size())
                    .put("clients", clients).put("members", new JsonArray(cell.members())));
        }
        JsonArray inFlight = new JsonArray();
        e.inFlight().forEach(a -> inFlight.add(action(a)));
        JsonArray finished = new JsonArray();
        c.recentActions().forEach(f -> finished.add(new JsonObject().put("action", action(f.action()))
                .put("finishedAt", f.finishedAtMillis()).put("caughtUp", f.caughtUp()).put("detail", f.detail())));
        EngineState.Counters k = e.counters();
        JsonObject o = new JsonObject().put("format", FORMAT).put("nodes", nodes)
                .put("paused", e.paused()).put("pauseReason", e.pauseReason()).put("pausedAt", e.pausedAtMillis())
                .put("nextActionId", e.nextActionId())
                .put("counters", new JsonObject().put("repairsIssued", k.repairsIssued()).put("movesIssued", k.movesIssued())
                        .put("caughtUp", k.caughtUp()).put("aborted", k.aborted()).put("deferredByRateLimit", k.deferredByRateLimit()))
                .put("cells", cells).put("inFlight", inFlight).put("recentActions", finished)
                .put("recentEvents", new JsonArray(c.recentEvents()));
        writeAtomically(o.encodePrettily() + "\n");
    }

    private static JsonObject action(Action a) {
        return new JsonObject().put("id", a.id()).put("kind", a.kind().name()).put("cell", a.cellId()).put("color", a.color())
                .put("leaving", a.leaving()).put("joining", a.joining()).put("issuedAt", a.issuedAtMillis());
    }

    private void writeAtomically(String text) throws IOException {
        Path tmp = file.resolveSibling(NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot replace " + file + " atomically on this file system", e);
        }
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true); // the rename itself must survive a crash
        } catch (IOException e) {
            // some file systems cannot sync a directory; the rename is still atomic
        }
    }

    /**
     * The saved contents, or null if there is no file (a new colony). Throws {@link IllegalStateException}
     * naming the file and what is wrong with it, including a colony shape different from {@code topology}
     * and {@code colors}.
     */
    Contents load(Topology topology, SortedMap<String, String> colors) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        JsonObject o;
        try {
            o = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
        } catch (DecodeException | IOException e) {
            throw bad("is not valid JSON (" + e.getMessage() + ")");
        }
        try {
            if (!FORMAT.equals(o.getValue("format"))) {
                throw bad("format must be \"" + FORMAT + "\"; got " + o.getValue("format"));
            }
            checkSameColony(obj(o, "nodes"), topology, colors);
            List<EngineState.CellState> cells = new ArrayList<>();
            JsonArray cs = arr(o, "cells");
            for (int i = 0; i < cs.size(); i++) {
                JsonObject c = elem(cs, i, "cells");
                String where = "cells[" + i + "].";
                List<Location> clients = new ArrayList<>();
                for (String l : strings(c, "clients", where)) {
                    clients.add(location(l, where + "clients"));
                }
                cells.add(new EngineState.CellState(str(c, "id", where), str(c, "color", where), (int) num(c, "size", where),
                        clients, strings(c, "members", where)));
            }
            List<Action> inFlight = new ArrayList<>();
            JsonArray as = arr(o, "inFlight");
            for (int i = 0; i < as.size(); i++) {
                inFlight.add(action(elem(as, i, "inFlight"), "inFlight[" + i + "]."));
            }
            List<Finished> finished = new ArrayList<>();
            JsonArray fs = arr(o, "recentActions");
            for (int i = 0; i < fs.size(); i++) {
                JsonObject f = elem(fs, i, "recentActions");
                String where = "recentActions[" + i + "].";
                if (!(f.getValue("action") instanceof JsonObject a) || !(f.getValue("caughtUp") instanceof Boolean ok)) {
                    throw bad(where + "action must be an object and " + where + "caughtUp a boolean");
                }
                finished.add(new Finished(action(a, where + "action."), num(f, "finishedAt", where), ok, str(f, "detail", where)));
            }
            JsonObject k = obj(o, "counters");
            EngineState.Counters counters = new EngineState.Counters(num(k, "repairsIssued", "counters."),
                    num(k, "movesIssued", "counters."), num(k, "caughtUp", "counters."), num(k, "aborted", "counters."),
                    num(k, "deferredByRateLimit", "counters."));
            if (!(o.getValue("paused") instanceof Boolean paused)) {
                throw bad("paused must be true or false");
            }
            EngineState engine = new EngineState(paused, str(o, "pauseReason", ""), num(o, "pausedAt", ""),
                    num(o, "nextActionId", ""), cells, inFlight, counters);
            return new Contents(engine, finished, strings(o, "recentEvents", ""));
        } catch (ClassCastException e) {
            throw bad("a field has the wrong type (" + e.getMessage() + ")");
        }
    }

    private void checkSameColony(JsonObject nodes, Topology topology, SortedMap<String, String> colors) {
        SortedMap<String, String> saved = new TreeMap<>();
        for (String name : nodes.fieldNames()) {
            if (!(nodes.getValue(name) instanceof JsonObject n)) {
                throw bad("nodes." + name + " must be an object");
            }
            String where = "nodes." + name + ".";
            saved.put(name, String.join("/", str(n, "zone", where), str(n, "row", where), str(n, "rack", where),
                    str(n, "power", where), str(n, "color", where)));
        }
        SortedMap<String, String> now = new TreeMap<>();
        for (NodeTopology n : topology.nodes()) {
            now.put(n.node(), String.join("/", n.zone(), n.row(), n.rack(), n.power(), colors.get(n.node())));
        }
        if (!saved.equals(now)) {
            List<String> diff = new ArrayList<>();
            for (String name : new java.util.TreeSet<>(java.util.stream.Stream.concat(saved.keySet().stream(), now.keySet().stream()).toList())) {
                String was = saved.get(name);
                String is = now.get(name);
                if (was == null || is == null || !was.equals(is)) {
                    diff.add(name + ": saved " + (was == null ? "absent" : was) + ", now " + (is == null ? "absent" : is));
                }
            }
            throw new IllegalStateException(file + " was written for a different colony (zone/row/rack/power/color: "
                    + String.join("; ", diff.subList(0, Math.min(4, diff.size()))) + (diff.size() > 4 ? "; ..." : "")
                    + "). Start physalia local with the same --nodes, --rows and --colors as before, or use another --data-dir.");
        }
    }

    private Action action(JsonObject a, String where) {
        ActionKind kind;
        try {
            kind = ActionKind.valueOf(str(a, "kind", where));
        } catch (IllegalArgumentException e) {
            throw bad(where + "kind must be one of " + List.of(ActionKind.values()) + "; got " + a.getValue("kind"));
        }
        return new Action(num(a, "id", where), kind, str(a, "cell", where), str(a, "color", where), str(a, "leaving", where),
                str(a, "joining", where), num(a, "issuedAt", where));
    }

    private Location location(String s, String where) {
        String[] p = s.split("/", -1);
        if (p.length != 3 || p[0].isBlank() || p[1].isBlank() || p[2].isBlank()) {
            throw bad(where + " must hold zone/row/rack; got '" + s + "'");
        }
        return new Location(p[0], p[1], p[2]);
    }

    private IllegalStateException bad(String what) {
        return new IllegalStateException("control-plane state " + file + ": " + what
                + ". Fix the file, or move it away to start the control plane afresh (the nodes keep their cells, but the control plane then does not know them).");
    }

    private JsonObject obj(JsonObject o, String k) {
        if (!(o.getValue(k) instanceof JsonObject v)) {
            throw bad(k + " must be an object");
        }
        return v;
    }

    private JsonArray arr(JsonObject o, String k) {
        if (!(o.getValue(k) instanceof JsonArray v)) {
            throw bad(k + " must be an array");
        }
        return v;
    }

    private JsonObject elem(JsonArray a, int i, String what) {
        if (!(a.getValue(i) instanceof JsonObject v)) {
            throw bad(what + "[" + i + "] must be an object");
        }
        return v;
    }

    private String str(JsonObject o, String k, String where) {
        if (!(o.getValue(k) instanceof String v)) {
            throw bad(where + k + " must be a string");
        }
        return v;
    }

    private long num(JsonObject o, String k, String where) {
        if (!(o.getValue(k) instanceof Number v) || v.doubleValue() != v.longValue()) {
            throw bad(where + k + " must be a whole number");
        }
        return v.longValue();
    }

    private List<String> strings(JsonObject o, String k, String where) {
        if (!(o.getValue(k) instanceof JsonArray a)) {
            throw bad(where + k + " must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (Object x : a) {
            if (!(x instanceof String s)) {
                throw bad(where + k + " must be an array of strings");
            }
            out.add(s);
        }
        return out;
    }
}
