package io.physalia.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.Command;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.Transaction;
import io.physalia.core.kv.Value;
import io.physalia.core.paxos.DurableRecord;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
    private final RecordCodec codec = new RecordCodec();

    private DurableRecord decodeOk(byte[] stored) {
        RecordResult r = codec.decode(stored);
        return assertInstanceOf(RecordResult.Ok.class, r, r::toString).record();
    }

    @Test
    void everyRecordTypeRoundTripsCanonically() {
        Arbitrary any = new Arbitrary(4242);
        Set<Class<?>> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            DurableRecord record = any.record(i % Arbitrary.RECORD_KINDS);
            byte[] stored = codec.encode(record);
            DurableRecord back = decodeOk(stored);
            assertEquals(record, back);
            assertArrayEquals(stored, codec.encode(back));
            assertEquals(stored.length, codec.encodedSize(record));
            seen.add(record.getClass());
        }
        assertEquals(Arbitrary.RECORD_KINDS, seen.size());
    }

    @Test
    void aLogOfRecordsDecodesInSequence() {
        Arbitrary any = new Arbitrary(1);
        List<DurableRecord> written = new ArrayList<>();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        for (int i = 0; i < 50; i++) {
            DurableRecord r = any.record();
            written.add(r);
            log.writeBytes(codec.encode(r));
        }
        byte[] bytes = log.toByteArray();
        List<DurableRecord> read = new ArrayList<>();
        int offset = 0;
        while (offset < bytes.length) {
            RecordResult.Ok ok = assertInstanceOf(RecordResult.Ok.class, codec.decode(bytes, offset, bytes.length - offset));
            read.add(ok.record());
            offset += ok.frameBytes();
        }
        assertEquals(written, read);
    }

    @Test
    void aTornTailIsTruncatedAtEveryCutPoint() {
        byte[] stored = codec.encode(new Arbitrary(8).record(2));
        for (int cut = 0; cut < stored.length; cut++) {
            RecordResult r = codec.decode(Arrays.copyOf(stored, cut));
            assertInstanceOf(RecordResult.Truncated.class, r, "cut at " + cut);
        }
    }

    @Test
    void everySingleBitFlipIsDetected() {
        Arbitrary any = new Arbitrary(77);
        for (int kind = 0; kind < Arbitrary.RECORD_KINDS; kind++) {
            byte[] stored = codec.encode(any.record(kind));
            for (int bit = 0; bit < stored.length * 8; bit++) {
                byte[] flipped = stored.clone();
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                RecordResult r = codec.decode(flipped);
                assertFalse(r instanceof RecordResult.Ok, "flip of bit " + bit + " of a kind " + kind + " record");
            }
        }
    }

    @Test
    void impossibleLengthsAreCorruptNotTorn() {
        byte[] zeros = new byte[64]; // e.g. a preallocated, never written tail
        assertInstanceOf(RecordResult.Corrupt.class, codec.decode(zeros, 0, zeros.length));
        byte[] huge = codec.encode(new DurableRecord.Chosen(1, Batch.NOOP));
        huge[0] = (byte) 0x7F;
        assertInstanceOf(RecordResult.Corrupt.class, codec.decode(huge));
    }

    @Test
    void unknownVersionOrTagIsCorrupt() {
        byte[] stored = codec.encode(new DurableRecord.Chosen(1, Batch.NOOP));
        byte[] version2 = stored.clone();
        version2[RecordCodec.HEADER_BYTES] = 2;
        rechecksum(version2);
        assertTrue(((RecordResult.Corrupt) codec.decode(version2)).detail().contains("version 2"));
        byte[] tag9 = stored.clone();
        tag9[RecordCodec.HEADER_BYTES + 1] = 9;
        rechecksum(tag9);
        assertTrue(((RecordResult.Corrupt) codec.decode(tag9)).detail().contains("unknown record tag 9"));
    }

    @Test
    void extraBytesAfterAWholeRecordAreCorruptWhenOneRecordIsExpected() {
        byte[] stored = codec.encode(new DurableRecord.Chosen(1, Batch.NOOP));
        assertInstanceOf(RecordResult.Corrupt.class, codec.decode(Arrays.copyOf(stored, stored.length + 1)));
        assertInstanceOf(RecordResult.Ok.class, codec.decode(Arrays.copyOf(stored, stored.length + 1), 0, stored.length));
    }

    @Test
    void recordsOverTheLimitAreNotEncoded() {
        RecordCodec small = new RecordCodec(64);
        Command put = new Command.ClientTxn("c", 1,
                new Transaction(List.of(), List.of(new Op.Put("k", Value.ofBytes(new byte[100])))));
        DurableRecord big = new DurableRecord.Chosen(1, new Batch(List.of(put)));
        assertThrows(IllegalArgumentException.class, () -> small.encode(big));
        assertInstanceOf(RecordResult.Corrupt.class, small.decode(codec.encode(big)));
        assertThrows(IndexOutOfBoundsException.class, () -> codec.decode(new byte[4], 2, 4));
    }

    /** Recomputes the checksum after a deliberate edit, to reach the payload checks. */
    private static void rechecksum(byte[] stored) {
        int payload = FrameLayout.readInt(stored, 0);
        int crc = RecordCodec.checksum(stored, 0, payload);
        stored[4] = (byte) (crc >>> 24);
        stored[5] = (byte) (crc >>> 16);
        stored[6] = (byte) (crc >>> 8);
        stored[7] = (byte) crc;
    }
}
