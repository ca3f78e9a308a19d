package io.physalia.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzz targets for {@link RecordCodec#decode}. As with frames, random bytes rarely pass the
 * checksum, so {@link #decodeChecksummedPayload} frames the fuzzer's bytes with a correct one.
 */
class RecordCodecFuzzTest {
    private final RecordCodec codec = new RecordCodec();

    /** Any bytes, read as the start of a record log. */
    @FuzzTest(maxDuration = "5m")
    void decodeArbitraryRecord(byte[] log) {
        check(log);
    }

    /** The fuzzer's bytes as a payload (version byte, tag, fields) behind a valid length and checksum. */
    @FuzzTest(maxDuration = "5m")
    void decodeChecksummedPayload(byte[] payload) {
        byte[] stored = new byte[RecordCodec.HEADER_BYTES + payload.length];
        int n = payload.length;
        stored[0] = (byte) (n >>> 24);
        stored[1] = (byte) (n >>> 16);
        stored[2] = (byte) (n >>> 8);
        stored[3] = (byte) n;
        System.arraycopy(payload, 0, stored, RecordCodec.HEADER_BYTES, n);
        int crc = RecordCodec.checksum(stored, 0, n);
        stored[4] = (byte) (crc >>> 24);
        stored[5] = (byte) (crc >>> 16);
        stored[6] = (byte) (crc >>> 8);
        stored[7] = (byte) crc;
        RecordResult result = check(stored);
        assertFalse(result instanceof RecordResult.Truncated, "a whole record cannot be truncated: " + result);
    }

    private RecordResult check(byte[] bytes) {
        RecordResult result = codec.decode(bytes, 0, bytes.length);
        switch (result) {
            case RecordResult.Ok ok -> {
                assertTrue(ok.frameBytes() <= bytes.length);
                assertArrayEquals(Arrays.copyOf(bytes, ok.frameBytes()), codec.encode(ok.record()),
                        "a record that decodes must re-encode to the same bytes");
            }
            case RecordResult.Corrupt corrupt -> assertFalse(corrupt.detail().startsWith(WireCodec.UNEXPECTED_PREFIX),
                    "decoder bug: " + corrupt.detail());
            case RecordResult.Truncated truncated -> { }
        }
        return result;
    }
}
