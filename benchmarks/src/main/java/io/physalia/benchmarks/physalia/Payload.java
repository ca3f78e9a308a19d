package io.physalia.benchmarks.physalia;

import java.util.Base64;
import java.util.Random;

/** The written value as the HTTP API takes it: {@code payloadBytes} random bytes, base64 in a typed value. */
final class Payload {
    private Payload() {}

    static String valueJson(int payloadBytes, long seed) {
        byte[] b = new byte[payloadBytes];
        new Random(seed).nextBytes(b);
        return "{\"bytes\":\"" + Base64.getEncoder().encodeToString(b) + "\"}";
    }
}
