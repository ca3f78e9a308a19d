package io.physalia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.controlplane.Action;
import io.physalia.controlplane.ColorPlan;
import io.physalia.controlplane.ControlPlane;
import io.physalia.controlplane.EngineState;
import io.physalia.controlplane.Fleet;
import io.physalia.controlplane.PlacementPolicy;
import io.physalia.controlplane.PlacementRequest;
import io.physalia.controlplane.RateLimits;
import io.physalia.topology.Topology;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local control plane's state file: what is saved comes back, and a bad file is refused by name. */
class ControlStateFileTest {
    private static final List<String> NAMES = IntStream.rangeClosed(1, 12).mapToObj(i -> "n" + i).toList();
    private final Topology topology = SyntheticTopology.of(NAMES, 2);
    private final SortedMap<String, String> colors = ColorPlan.assign(topology, List.of("blue", "green"));

    private ControlPlane engine() {
        return new ControlPlane(Fleet.of(topology, colors, 100), RateLimits.Config.defaults(), PlacementPolicy.DEFAULT,
                new SplittableRandom(1));
    }

    private ControlStateFile.Contents sample() {
        ControlPlane cp = engine();
        cp.place(PlacementRequest.of("demo", List.of(topology.node("n1").orElseThrow().location())).withSize(3));
        cp.place(PlacementRequest.of("other", List.of(topology.node("n7").orElseThrow().location())).withSize(3).withColor("green"));
        cp.setNodeHealth(cp.fleet().cell("demo").orElseThrow().memberNames().get(0), false);
        List<Action> a = cp.tick(1_700_000_000_000L);
        cp.pause("looking into it", 1_700_000_001_000L);
        return new ControlStateFile.Contents(cp.state(),
                List.of(new ControlStateFile.Finished(a.get(0), 1_700_000_002_000L, false, "aborted before the add applied: x")),
                List.of("12:00:00 placed cell demo", "12:00:01 PAUSED: looking into it"));
    }

    @Test
    void whatIsSavedComesBackAndTheEngineTakesIt(@TempDir Path dir) throws Exception {
        ControlStateFile file = new ControlStateFile(dir);
        assertNull(file.load(topology, colors), "no file: a new colony");
        ControlStateFile.Contents c = sample();
        file.save(topology, colors, c);
        assertFalse(Files.exists(dir.resolve(ControlStateFile.NAME + ".tmp")), "the temporary file was renamed");
        ControlStateFile.Contents back = file.load(topology, colors);
        assertEquals(c, back);
        ControlPlane restored = engine();
        restored.restore(back.engine());
        assertEquals(c.engine(), restored.state());
        file.save(topology, colors, back); // replacing an existing file
        assertEquals(c, file.load(topology, colors));
    }

    @Test
    void aDamagedFileIsRefusedNamingTheFileAndTheField(@TempDir Path dir) throws Exception {
        ControlStateFile file = new ControlStateFile(dir);
        Files.writeString(file.path(), "{\"format\": \"physalia-local-control/1\", \"nodes\": ");
        String m = assertThrows(IllegalStateException.class, () -> file.load(topology, colors)).getMessage();
        assertTrue(m.contains(file.path().toString()) && m.contains("is not valid JSON") && m.contains("move it away"), m);

        file.save(topology, colors, sample());
        JsonObject o = new JsonObject(Files.readString(file.path()));
        o.getJsonArray("cells").getJsonObject(1).put("size", "three");
        Files.writeString(file.path(), o.encode());
        m = assertThrows(IllegalStateException.class, () -> file.load(topology, colors)).getMessage();
        assertTrue(m.contains("cells[1].size must be a whole number"), m);

        o.getJsonArray("cells").getJsonObject(1).put("size", 3);
        o.getJsonArray("inFlight").getJsonObject(0).put("kind", "TELEPORT");
        Files.writeString(file.path(), o.encode());
        m = assertThrows(IllegalStateException.class, () -> file.load(topology, colors)).getMessage();
        assertTrue(m.contains("inFlight[0].kind must be one of [REPAIR, MOVE_CLOSER]; got TELEPORT"), m);

        o.getJsonArray("inFlight").getJsonObject(0).put("kind", "REPAIR");
        o.getJsonArray("cells").getJsonObject(0).put("clients", List.of("z1/r1"));
        Files.writeString(file.path(), o.encode());
        m = assertThrows(IllegalStateException.class, () -> file.load(topology, colors)).getMessage();
        assertTrue(m.contains("cells[0].clients must hold zone/row/rack; got 'z1/r1'"), m);

        o.put("format", "physalia-local-control/9");
        Files.writeString(file.path(), o.encode());
        m = assertThrows(IllegalStateException.class, () -> file.load(topology, colors)).getMessage();
        assertTrue(m.contains("format must be \"physalia-local-control/1\""), m);
    }

    @Test
    void aFileOfAnotherColonyShapeIsRefused(@TempDir Path dir) throws Exception {
        ControlStateFile file = new ControlStateFile(dir);
        file.save(topology, colors, sample());
        Topology oneRow = SyntheticTopology.of(NAMES, 1);
        String m = assertThrows(IllegalStateException.class,
                () -> file.load(oneRow, ColorPlan.assign(oneRow, List.of("blue", "green")))).getMessage();
        assertTrue(m.contains("was written for a different colony") && m.contains("n10: saved z1/r2/r2-k1/r2-p2/")
                && m.contains("same --nodes, --rows and --colors"), m);
    }

    @Test
    void aStateThatDoesNotFitTheFleetIsRefusedByTheEngine(@TempDir Path dir) throws Exception {
        ControlStateFile file = new ControlStateFile(dir);
        ControlStateFile.Contents c = sample();
        EngineState e = c.engine();
        EngineState.CellState demo = e.cells().get(0);
        EngineState wrong = new EngineState(e.paused(), e.pauseReason(), e.pausedAtMillis(), e.nextActionId(),
                List.of(new EngineState.CellState(demo.id(), demo.color(), demo.size(), demo.clients(), List.of("n1", "n1", "n2")),
                        e.cells().get(1)),
                e.inFlight(), e.counters());
        file.save(topology, colors, new ControlStateFile.Contents(wrong, c.recentActions(), c.recentEvents()));
        EngineState loaded = file.load(topology, colors).engine();
        String m = assertThrows(IllegalArgumentException.class, () -> engine().restore(loaded)).getMessage();
        assertTrue(m.contains("cell 'demo': lists a member twice"), m);
    }
}
