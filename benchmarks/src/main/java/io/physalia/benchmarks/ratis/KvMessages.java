package io.physalia.benchmarks.ratis;

import java.nio.charset.StandardCharsets;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/** Put and get messages of the Ratis key-value state machine: {@code 'P' keyLength key value} and {@code 'G' key}. */
final class KvMessages {
    static final ByteString OK = ByteString.copyFromUtf8("OK");
    static final ByteString BAD = ByteString.copyFromUtf8("BAD");

    record Put(ByteString key, ByteString value) {}

    private KvMessages() {}

    static Message put(String key, byte[] value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] m = new byte[2 + k.length + value.length];
        m[0] = 'P';
        m[1] = (byte) k.length;
        System.arraycopy(k, 0, m, 2, k.length);
        System.arraycopy(value, 0, m, 2 + k.length, value.length);
        return Message.valueOf(ByteString.copyFrom(m));
    }

    static Message get(String key) {
        return Message.valueOf(ByteString.copyFromUtf8("G" + key));
    }

    static Put parsePut(ByteString m) {
        if (m.size() < 2 || m.byteAt(0) != 'P') {
            return null;
        }
        int k = m.byteAt(1) & 0xff;
        if (m.size() < 2 + k) {
            return null;
        }
        return new Put(m.substring(2, 2 + k), m.substring(2 + k));
    }

    static ByteString parseGet(ByteString m) {
        return m.size() >= 1 && m.byteAt(0) == 'G' ? m.substring(1) : null;
    }
}
