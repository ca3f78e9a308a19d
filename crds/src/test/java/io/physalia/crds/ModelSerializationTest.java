package io.physalia.crds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The model reads and writes the JSON the server stores; optional fields left unset are not sent. */
class ModelSerializationTest {

    @Test
    void cellWithoutSizeOrColorSendsNeither() {
        Cell cell = new Cell();
        cell.setMetadata(new ObjectMetaBuilder().withName("orders-42").build());
        cell.setSpec(new CellSpec());
        String json = Serialization.asJson(cell);
        assertTrue(json.contains("\"apiVersion\":\"physalia.io/v1alpha1\""), json);
        assertTrue(json.contains("\"kind\":\"Cell\""), json);
        // Sending "size": null or a Java-side default would freeze the cell's size; absent means the
        // Colony's cellDefaults.size.
        assertFalse(json.contains("size"), json);
        assertFalse(json.contains("color"), json);
    }

    @Test
    void colonyReadsWhatTheServerReturns() {
        String yaml = """
                apiVersion: physalia.io/v1alpha1
                kind: Colony
                metadata: {name: prod, namespace: db, generation: 3}
                spec:
                  image: registry.local/physalia-node:1.4.2
                  version: 1.4.2
                  colors: [blue, green, red]
                  nodesPerColor: 9
                  cellDefaults: {size: 5, capacityPerNode: 1000}
                  rateLimits: {globalBurst: 10, globalRefillMillis: 1000, colorBurst: 4, colorRefillMillis: 3000}
                  rollout: {validationWindowSeconds: 60, maxErrorRatePercent: 1, maxLatencyRegressionPercent: 50, pauseBetweenColorsSeconds: 0}
                  paused: true
                  pauseReason: incident 1234
                status:
                  observedGeneration: 3
                  cells: {total: 12, ready: 10, degraded: 2}
                  cellsByColor: {blue: 4, green: 4, red: 4}
                  rollout: {targetVersion: 1.4.3, color: green, colorsDone: [blue], phase: Validating}
                  actionsInFlight:
                    - {id: 17, kind: replace, cell: orders-42, color: blue, leaving: blue-3, joining: blue-8, issuedAt: "2026-12-04T21:00:00Z"}
                  conditions:
                    - {type: Ready, status: "False", reason: Paused, message: paused, lastTransitionTime: "2026-12-04T21:00:00Z", observedGeneration: 3}
                """;
        Colony colony = Serialization.unmarshal(yaml, Colony.class);
        assertEquals(List.of("blue", "green", "red"), colony.getSpec().getColors());
        assertEquals(5, colony.getSpec().getCellDefaults().getSize());
        assertEquals(3000L, colony.getSpec().getRateLimits().getColorRefillMillis());
        assertTrue(colony.getSpec().getPaused());
        assertEquals(10, colony.getStatus().getCells().getReady());
        assertEquals(4, colony.getStatus().getCellsByColor().get("green"));
        assertEquals(List.of("blue"), colony.getStatus().getRollout().getColorsDone());
        ActionRecord action = colony.getStatus().getActionsInFlight().get(0);
        assertEquals(17L, action.getId());
        assertEquals("blue-8", action.getJoining());
        assertEquals("Ready", colony.getStatus().getConditions().get(0).getType());
        assertEquals(3L, colony.getStatus().getConditions().get(0).getObservedGeneration());
        assertNull(colony.getStatus().getPauseReason());
    }

    @Test
    void colorPhaseIsWrittenByName() {
        Color color = new Color();
        color.setSpec(new ColorSpec());
        color.getSpec().setColony("prod");
        color.getSpec().setColor("blue");
        color.getSpec().setReplicas(7);
        color.setStatus(new ColorStatus());
        color.getStatus().setPhase(ColorPhase.RollingOut);
        String json = Serialization.asJson(color);
        assertTrue(json.contains("\"phase\":\"RollingOut\""), json);
        Color back = Serialization.unmarshal(json, Color.class);
        assertEquals(ColorPhase.RollingOut, back.getStatus().getPhase());
        assertEquals(7, back.getSpec().getReplicas());
    }

    @Test
    void aColonyStatusWithNoCellsYetSendsNoNullMap() {
        ColonyStatus st = new ColonyStatus();
        st.setCellsByColor(new java.util.TreeMap<>());
        String json = Serialization.asJson(st);
        org.junit.jupiter.api.Assertions.assertFalse(json.contains("null"), json);
        Colony c = Serialization.unmarshal("{\"apiVersion\":\"physalia.io/v1alpha1\",\"kind\":\"Colony\",\"metadata\":{\"name\":\"x\"},"
                + "\"status\":{\"cellsByColor\":{}}}", Colony.class);
        c.getStatus().setCellsByColor(new java.util.TreeMap<>(java.util.Map.of("blue", 2)));
        String again = Serialization.asJson(c);
        org.junit.jupiter.api.Assertions.assertFalse(again.contains("null"), again);
    }
}
