package io.physalia.benchmarks.etcd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written protobuf messages, byte for byte against the wire format's rules. */
class EtcdWireTest {
    @Test
    void aPutIsItsKeyAndValueAsFieldsOneAndTwo() {
        assertArrayEquals(new byte[] {0x0A, 1, 'k', 0x12, 2, 'v', 'w'}, EtcdWire.put(bytes("k"), bytes("vw")));
        byte[] big = EtcdWire.put(bytes("k"), new byte[300]);
        assertArrayEquals(new byte[] {0x12, (byte) 0xAC, 0x02}, java.util.Arrays.copyOfRange(big, 3, 6), "a 300-byte length is a two-byte varint");
    }

    @Test
    void aSerializableRangeSetsFieldSeven() {
        assertArrayEquals(new byte[] {0x0A, 1, 'k'}, EtcdWire.range(bytes("k"), false));
        assertArrayEquals(new byte[] {0x0A, 1, 'k', 0x38, 1}, EtcdWire.range(bytes("k"), true));
    }

    @Test
    void rangeValuesAreReadPastFieldsTheyDoNotNeed() throws IOException {
        ByteArrayOutputStream kv = new ByteArrayOutputStream();
        field(kv, 1, bytes("k"));
        varintField(kv, 2, 7); // create_revision
        varintField(kv, 3, 300); // mod_revision
        field(kv, 5, bytes("value"));
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        varintField(header, 1, 0x1234_5678_9ABCL);
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        field(response, 1, header.toByteArray());
        field(response, 2, kv.toByteArray());
        varintField(response, 4, 1); // count
        List<byte[]> values = EtcdWire.rangeValues(response.toByteArray());
        assertEquals(1, values.size());
        assertArrayEquals(bytes("value"), values.getFirst());
        assertEquals(0, EtcdWire.rangeValues(new byte[0]).size(), "no kvs: the key is absent");
    }

    @Test
    void statusGivesTheMembersIdAndItsLeader() throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        varintField(header, 1, 99); // cluster_id
        varintField(header, 2, 0x8e9e05c52164694dL); // member_id: a full 64-bit id
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        field(response, 1, header.toByteArray());
        field(response, 2, bytes("3.6.8"));
        varintField(response, 4, 0x8e9e05c52164694dL);
        varintField(response, 6, 2); // raftTerm
        EtcdWire.Status s = EtcdWire.status(response.toByteArray());
        assertEquals(0x8e9e05c52164694dL, s.memberId());
        assertEquals(0x8e9e05c52164694dL, s.leaderId());
    }

    @Test
    void aTruncatedMessageIsAnErrorNotAFigure() {
        assertThrows(IOException.class, () -> EtcdWire.rangeValues(new byte[] {0x12, 5, 1}));
        assertThrows(IOException.class, () -> EtcdWire.status(new byte[] {(byte) 0x80}));
        assertThrows(IOException.class, () -> EtcdWire.rangeValues(new byte[] {0x0B}), "wire type 3 is not one etcd sends");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void field(ByteArrayOutputStream out, int number, byte[] b) {
        EtcdWire.varint(out, (number << 3) | 2);
        EtcdWire.varint(out, b.length);
        out.writeBytes(b);
    }

    private static void varintField(ByteArrayOutputStream out, int number, long v) {
        EtcdWire.varint(out, number << 3);
        EtcdWire.varint(out, v);
    }
}
