package io.physalia.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz targets for {@link WireCodec#decode}. In a normal build they replay the corpus under
 * {@code src/test/resources/io/physalia/core/wire/WireCodecFuzzTestInputs/<method>/}; with
 * {@code JAZZER_FUZZ=1} they fuzz (see docs for the command).
 *
 * <p>Random bytes almost never carry a valid HMAC, so {@link #decodeAuthenticBody} signs the
 * fuzzer's bytes first: that is the target that exercises the body parser.
 */
class WireCodecFuzzTest {
    static final int KEY_ID = 7;

    private final WireCodec codec = new WireCodec(TestKeys.keyring(KEY_ID));

    /** Any bytes at all: decode returns a result, and an Ok frame is canonical. */
    @FuzzTest(maxDuration = "5m")
    void decodeArbitraryFrame(byte[] frame) {
        checkDecode(frame);
    }

    /** First byte picks the message type; the rest is a body, sealed with the codec's key. */
    @FuzzTest(maxDuration = "5m")
    void decodeAuthenticBody(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int type = 1 + (input[0] & 0xFF) % MessageType.values().length;
        byte[] body = java.util.Arrays.copyOfRange(input, 1, input.length);
        DecodeResult result = checkDecode(TestKeys.seal(type, KEY_ID, body));
        if (result instanceof DecodeResult.Rejected rejected) {
            assertEquals(DecodeResult.Reason.MALFORMED, rejected.reason(), rejected.detail());
        }
    }

    private DecodeResult checkDecode(byte[] frame) {
        DecodeResult result = codec.decode(frame);
        switch (result) {
            case DecodeResult.Ok ok -> assertArrayEquals(frame,
                    codec.encode(ok.envelope(), FrameLayout.session(frame, 0), FrameLayout.sequence(frame, 0)),
                    "a frame that decodes must re-encode to the same bytes");
            case DecodeResult.Ping ping -> assertArrayEquals(frame,
                    codec.encodePing(ping.ping(), FrameLayout.session(frame, 0), FrameLayout.sequence(frame, 0)),
                    "a ping that decodes must re-encode to the same bytes");
            case DecodeResult.Rejected rejected -> assertFalse(rejected.detail().startsWith(WireCodec.UNEXPECTED_PREFIX),
                    "decoder bug: " + rejected.detail());
        }
        return result;
    }
}
