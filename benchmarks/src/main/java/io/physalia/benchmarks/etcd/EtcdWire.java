package io.physalia.benchmarks.etcd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The few etcd v3 messages the benchmarks send and read, in protobuf's wire format, by hand: a
 * put, a range of one key, and the maintenance status. Field numbers are those of etcd's
 * {@code etcdserverpb/rpc.proto} and {@code mvccpb/kv.proto}. Writing these few fields directly
 * spares the module generated stubs and a protobuf runtime; fields we do not read are skipped
 * as the wire format allows.
 */
final class EtcdWire {
    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    private EtcdWire() {}

    /** PutRequest: key = 1, value = 2. */
    static byte[] put(byte[] key, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(key.length + value.length + 8);
        bytes(out, 1, key);
        bytes(out, 2, value);
        return out.toByteArray();
    }

    /** RangeRequest for one key: key = 1, serializable = 7 (a local read at the member asked, not through the leader). */
    static byte[] range(byte[] key, boolean serializable) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(key.length + 4);
        bytes(out, 1, key);
        if (serializable) {
            varint(out, (7 << 3) | VARINT);
            varint(out, 1);
        }
        return out.toByteArray();
    }

    /** The values of a RangeResponse (kvs = 2, each a KeyValue whose value = 5). */
    static List<byte[]> rangeValues(byte[] response) throws IOException {
        List<byte[]> values = new ArrayList<>();
        Reader r = new Reader(response);
        while (r.more()) {
            int tag = (int) r.varint();
            if (tag == ((2 << 3) | LENGTH_DELIMITED)) {
                Reader kv = new Reader(r.lengthDelimited());
                byte[] value = new byte[0];
                while (kv.more()) {
                    int t = (int) kv.varint();
                    if (t == ((5 << 3) | LENGTH_DELIMITED)) {
                        value = kv.lengthDelimited();
                    } else {
                        kv.skip(t & 7);
                    }
                }
                values.add(value);
            } else {
                r.skip(tag & 7);
            }
        }
        return values;
    }

    /** A member's status: its own id (header = 1, member_id = 2) and the leader it knows (leader = 4; 0 for none). */
    record Status(long memberId, long leaderId) {}

    static Status status(byte[] response) throws IOException {
        long member = 0;
        long leader = 0;
        Reader r = new Reader(response);
        while (r.more()) {
            int tag = (int) r.varint();
            if (tag == ((1 << 3) | LENGTH_DELIMITED)) {
                Reader header = new Reader(r.lengthDelimited());
                while (header.more()) {
                    int t = (int) header.varint();
                    if (t == ((2 << 3) | VARINT)) {
                        member = header.varint();
                    } else {
                        header.skip(t & 7);
                    }
                }
            } else if (tag == ((4 << 3) | VARINT)) {
                leader = r.varint();
            } else {
                r.skip(tag & 7);
            }
        }
        return new Status(member, leader);
    }

    private static void bytes(ByteArrayOutputStream out, int field, byte[] b) {
        varint(out, (field << 3) | LENGTH_DELIMITED);
        varint(out, b.length);
        out.writeBytes(b);
    }

    static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** Reads a message's fields in order; a malformed message is an IOException, never a wrong figure. */
    static final class Reader {
        private final byte[] b;
        private int at;

        Reader(byte[] b) {
            this.b = b;
        }

        boolean more() {
            return at < b.length;
        }

        long varint() throws IOException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (at >= b.length) {
                    throw new IOException("truncated varint in an etcd message");
                }
                int x = b[at++] & 0xFF;
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new IOException("varint longer than 10 bytes in an etcd message");
        }

        byte[] lengthDelimited() throws IOException {
            long n = varint();
            if (n < 0 || n > b.length - at) {
                throw new IOException("field of " + n + " bytes overruns an etcd message of " + b.length);
            }
            byte[] out = java.util.Arrays.copyOfRange(b, at, at + (int) n);
            at += (int) n;
            return out;
        }

        void skip(int wireType) throws IOException {
            switch (wireType) {
                case VARINT -> varint();
                case FIXED64 -> advance(8);
                case LENGTH_DELIMITED -> lengthDelimited();
                case FIXED32 -> advance(4);
                default -> throw new IOException("unknown wire type " + wireType + " in an etcd message");
            }
        }

        private void advance(int n) throws IOException {
            if (n > b.length - at) {
                throw new IOException("truncated field in an etcd message");
            }
            at += n;
        }
    }
}
