package io.physalia.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.CellSnapshot;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ValueCodecsTest {

    @Test
    void batchesRoundTripAndTheirSizeIsExact() {
        Arbitrary any = new Arbitrary(31);
        for (int i = 0; i < 1000; i++) {
            Batch b = any.batch();
            byte[] bytes = ValueCodecs.encode(b);
            assertEquals(bytes.length, ValueCodecs.encodedSize(b));
            assertEquals(b, ValueCodecs.decodeBatch(bytes));
            assertArrayEquals(bytes, ValueCodecs.encode(ValueCodecs.decodeBatch(bytes)));
        }
    }

    @Test
    void snapshotsRoundTripAndTheirSizeIsExact() {
        Arbitrary any = new Arbitrary(32);
        for (int i = 0; i < 300; i++) {
            CellSnapshot s = any.snapshot();
            byte[] bytes = ValueCodecs.encode(s);
            assertEquals(bytes.length, ValueCodecs.encodedSize(s));
            assertEquals(s, ValueCodecs.decodeSnapshot(bytes));
        }
    }

    @Test
    void theNoopIsOneByte() {
        assertEquals(1, ValueCodecs.encodedSize(Batch.NOOP));
    }

    @Test
    void malformedBytesThrowWireFormatException() {
        byte[] bytes = ValueCodecs.encode(new Arbitrary(33).snapshot());
        assertThrows(WireFormatException.class, () -> ValueCodecs.decodeSnapshot(Arrays.copyOf(bytes, bytes.length - 1)));
        assertThrows(WireFormatException.class, () -> ValueCodecs.decodeSnapshot(Arrays.copyOf(bytes, bytes.length + 1)));
        assertThrows(WireFormatException.class, () -> ValueCodecs.decodeBatch(new byte[] {1, 7}));
    }
}
