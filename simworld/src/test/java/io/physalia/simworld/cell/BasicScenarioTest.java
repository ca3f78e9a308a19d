package io.physalia.simworld.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.kv.TxnStatus;
import java.math.BigInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BasicScenarioTest {

    @Test
    void putThenGetOnThreeNodes() {
        CellWorld w = new CellWorld(1, 3);
        SimClient c = w.addClient();
        AtomicReference<OpOutput> put = new AtomicReference<>();
        w.perform(c, new ClientOp.Put("k", 7), put::set);
        assertTrue(w.runUntilClientsIdle(5_000));
        assertNotNull(put.get(), "put finished");
        assertEquals(TxnStatus.OK, put.get().status());
        AtomicReference<OpOutput> get = new AtomicReference<>();
        w.perform(c, new ClientOp.Get("k"), get::set);
        assertTrue(w.runUntilClientsIdle(5_000));
        assertEquals(BigInteger.valueOf(7), get.get().value());
        w.checkLinearizable();
    }
}
