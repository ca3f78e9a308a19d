package io.physalia.core.wire;

import io.physalia.core.cell.NodeId;
import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.paxos.Envelope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The seed inputs of the fuzz tests' regression corpus, and a {@code main} that writes them to
 * {@code src/test/resources/io/physalia/core/wire/<Test>Inputs/<method>/}. Seeds named
 * {@code valid-*} must decode; {@link FuzzCorpusTest} checks that, so a format change that
 * silently turns the corpus into junk fails the build. After such a change, regenerate with
 * <pre>
 *   java -cp core/target/classes:core/target/test-classes io.physalia.core.wire.FuzzCorpus core/src/test/resources
 * </pre>
 * (crash inputs that the fuzzer added next to the seeds are kept).
 */
final class FuzzCorpus {
    static final String DIR = "io/physalia/core/wire/";
    static final int MAX_SEED_BYTES = 1500;
    private static final int CANDIDATES = 100;

    private FuzzCorpus() {}

    static Map<String, byte[]> arbitraryFrames() {
        WireCodec codec = new WireCodec(TestKeys.keyring(WireCodecFuzzTest.KEY_ID));
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (int kind = 0; kind < Arbitrary.MESSAGE_KINDS; kind++) {
            Envelope e = smallEnvelope(kind);
            seeds.put("valid-" + name(e.message().getClass()), codec.encode(e));
        }
        seeds.put("valid-peer-ping", codec.encodePing(new PeerPing(new NodeId("node-3"), "10.0.0.7:7401"), 0x5eed, 9));
        seeds.put("valid-sequenced-accepted", codec.encode(smallEnvelope(4), 0x5eed, 10));
        byte[] accept = seeds.get("valid-accept");
        byte[] promise = seeds.get("valid-promise");
        seeds.put("truncated-accept", Arrays.copyOf(accept, accept.length - 5));
        seeds.put("truncated-header", Arrays.copyOf(promise, 7));
        seeds.put("bitflip-body-accept", flip(accept, FrameLayout.HEADER_BYTES * 8 + 3));
        seeds.put("bitflip-type-promise", flip(promise, FrameLayout.TYPE_OFFSET * 8));
        seeds.put("trailing-promise", Arrays.copyOf(promise, promise.length + 2));
        seeds.put("bitflip-sequence-ping", flip(seeds.get("valid-peer-ping"), FrameLayout.SEQUENCE_OFFSET * 8 + 60));
        return seeds;
    }

    static Map<String, byte[]> authenticBodies() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : arbitraryFrames().entrySet()) {
            if (e.getKey().startsWith("valid-")) {
                byte[] frame = e.getValue();
                byte[] body = TestKeys.bodyOf(frame);
                byte[] input = new byte[1 + body.length];
                input[0] = (byte) (frame[FrameLayout.TYPE_OFFSET] - 1);
                System.arraycopy(body, 0, input, 1, body.length);
                seeds.put(e.getKey(), input);
            }
        }
        byte[] accept = seeds.get("valid-accept");
        seeds.put("truncated-accept", Arrays.copyOf(accept, accept.length - 3));
        seeds.put("bitflip-accept", flip(accept, accept.length * 4));
        return seeds;
    }

    static Map<String, byte[]> arbitraryRecords() {
        RecordCodec codec = new RecordCodec();
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (int kind = 0; kind < Arbitrary.RECORD_KINDS; kind++) {
            DurableRecord r = smallRecord(kind);
            seeds.put("valid-" + name(r.getClass()), codec.encode(r));
        }
        byte[] chosen = seeds.get("valid-chosen");
        byte[] promised = seeds.get("valid-promised");
        byte[] two = Arrays.copyOf(chosen, chosen.length + promised.length);
        System.arraycopy(promised, 0, two, chosen.length, promised.length);
        seeds.put("valid-two-records", two);
        seeds.put("torn-chosen", Arrays.copyOf(chosen, chosen.length - 4));
        seeds.put("bitflip-chosen", flip(chosen, chosen.length * 4 + 1));
        return seeds;
    }

    static Map<String, byte[]> checksummedPayloads() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : arbitraryRecords().entrySet()) {
            if (e.getKey().startsWith("valid-") && !e.getKey().equals("valid-two-records")) {
                byte[] stored = e.getValue();
                seeds.put(e.getKey(), Arrays.copyOfRange(stored, RecordCodec.HEADER_BYTES, stored.length));
            }
        }
        byte[] chosen = seeds.get("valid-chosen");
        seeds.put("unknown-version", with(chosen, 0, 2));
        seeds.put("unknown-tag", with(chosen, 1, 9));
        return seeds;
    }

    /** The richest envelope of this kind, over a fixed range of seeds, that keeps the corpus small. */
    private static Envelope smallEnvelope(int kind) {
        WireCodec codec = new WireCodec(TestKeys.keyring(WireCodecFuzzTest.KEY_ID));
        Envelope best = null;
        for (long seed = 1; seed <= CANDIDATES; seed++) {
            Arbitrary any = new Arbitrary(seed);
            Envelope e = any.envelope(any.message(kind));
            int size = codec.frameSize(e);
            if (size <= MAX_SEED_BYTES && (best == null || size > codec.frameSize(best))) {
                best = e;
            }
        }
        return best;
    }

    private static DurableRecord smallRecord(int kind) {
        RecordCodec codec = new RecordCodec();
        DurableRecord best = null;
        for (long seed = 1; seed <= CANDIDATES; seed++) {
            DurableRecord r = new Arbitrary(seed).record(kind);
            int size = codec.encodedSize(r);
            if (size <= MAX_SEED_BYTES && (best == null || size > codec.encodedSize(best))) {
                best = r;
            }
        }
        return best;
    }

    private static String name(Class<?> type) {
        return type.getSimpleName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static byte[] flip(byte[] bytes, int bit) {
        byte[] copy = bytes.clone();
        copy[bit / 8] ^= (byte) (1 << (bit % 8));
        return copy;
    }

    private static byte[] with(byte[] bytes, int index, int value) {
        byte[] copy = bytes.clone();
        copy[index] = (byte) value;
        return copy;
    }

    public static void main(String[] args) throws IOException {
        Path resources = Path.of(args.length > 0 ? args[0] : "core/src/test/resources");
        write(resources, "WireCodecFuzzTest", "decodeArbitraryFrame", arbitraryFrames());
        write(resources, "WireCodecFuzzTest", "decodeAuthenticBody", authenticBodies());
        write(resources, "RecordCodecFuzzTest", "decodeArbitraryRecord", arbitraryRecords());
        write(resources, "RecordCodecFuzzTest", "decodeChecksummedPayload", checksummedPayloads());
    }

    static Path inputs(Path resources, String testClass, String method) {
        return resources.resolve(DIR + testClass + "Inputs").resolve(method);
    }

    private static void write(Path resources, String testClass, String method, Map<String, byte[]> seeds)
            throws IOException {
        Path dir = inputs(resources, testClass, method);
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
        System.out.println(dir + ": " + seeds.size() + " seeds");
    }
}
