package io.physalia.node.local;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Listening sockets on ports that are free now and stay free until a node binds them: ports
 * below every common ephemeral range (Linux 32768-60999, macOS and Windows 49152-65535). A port
 * from {@code new ServerSocket(0)} comes from the ephemeral range, where the kernel also picks
 * the local port of every outgoing connection, so between closing it and a node binding it an
 * unrelated connection can take it ("Address already in use"; it failed a CI run).
 */
public final class FreePorts {
    static final int LOW = 20_000;
    static final int HIGH = 32_000;
    private static final int TRIES = 200;

    private FreePorts() {}

    /** A loopback server socket on a free port in [{@value #LOW}, {@value #HIGH}); the caller closes it. */
    private static ServerSocket open() throws IOException {
        for (int i = 0; i < TRIES; i++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            try {
                return new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
            } catch (BindException taken) {
                // try another
            }
        }
        throw new IOException("no free port in " + LOW + ".." + HIGH + " after " + TRIES + " tries");
    }

    /** {@code n} distinct ports that were all free at once. */
    public static int[] ports(int n) throws IOException {
        ServerSocket[] held = new ServerSocket[n];
        int[] ports = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                held[i] = open();
                ports[i] = held[i].getLocalPort();
            }
        } finally {
            for (ServerSocket s : held) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return ports;
    }
}
