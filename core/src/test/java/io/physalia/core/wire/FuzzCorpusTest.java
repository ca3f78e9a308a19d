package io.physalia.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keeps the fuzz tests' checked-in seeds meaningful: every seed the generator makes is present
 * byte for byte, and the {@code valid-*} ones still decode. A wire format change fails here
 * first, with the command to regenerate the corpus in {@link FuzzCorpus}.
 */
class FuzzCorpusTest {

    private static byte[] resource(String testClass, String method, String seed) throws IOException {
        String path = FuzzCorpus.DIR + testClass + "Inputs/" + method + "/" + seed;
        try (InputStream in = FuzzCorpusTest.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new AssertionError("missing corpus seed " + path + "; regenerate it with FuzzCorpus.main");
            }
            return in.readAllBytes();
        }
    }

    private static void checkPresent(String testClass, String method, Map<String, byte[]> seeds) throws IOException {
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
            assertArrayEquals(e.getValue(), resource(testClass, method, e.getKey()),
                    testClass + "/" + method + "/" + e.getKey() + " is stale; regenerate it with FuzzCorpus.main");
        }
    }

    @Test
    void frameSeedsAreCurrentAndValidOnesDecode() throws IOException {
        Map<String, byte[]> frames = FuzzCorpus.arbitraryFrames();
        checkPresent("WireCodecFuzzTest", "decodeArbitraryFrame", frames);
        checkPresent("WireCodecFuzzTest", "decodeAuthenticBody", FuzzCorpus.authenticBodies());
        WireCodec codec = new WireCodec(TestKeys.keyring(WireCodecFuzzTest.KEY_ID));
        long valid = frames.keySet().stream().filter(k -> k.startsWith("valid-")).count();
        assertTrue(valid >= Arbitrary.MESSAGE_KINDS);
        frames.forEach((name, frame) -> {
            if (name.startsWith("valid-")) {
                DecodeResult r = codec.decode(frame);
                assertTrue(r instanceof DecodeResult.Ok || r instanceof DecodeResult.Ping, name + ": " + r);
            } else {
                assertInstanceOf(DecodeResult.Rejected.class, codec.decode(frame), name);
            }
        });
    }

    @Test
    void recordSeedsAreCurrentAndValidOnesDecode() throws IOException {
        Map<String, byte[]> records = FuzzCorpus.arbitraryRecords();
        checkPresent("RecordCodecFuzzTest", "decodeArbitraryRecord", records);
        checkPresent("RecordCodecFuzzTest", "decodeChecksummedPayload", FuzzCorpus.checksummedPayloads());
        RecordCodec codec = new RecordCodec();
        records.forEach((name, stored) -> {
            RecordResult r = codec.decode(stored, 0, stored.length);
            if (name.startsWith("valid-")) {
                assertInstanceOf(RecordResult.Ok.class, r, name);
            } else {
                assertTrue(!(r instanceof RecordResult.Ok), name + " should not decode");
            }
        });
    }
}
