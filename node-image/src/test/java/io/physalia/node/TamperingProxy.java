package io.physalia.node;

import io.physalia.core.wire.FrameLayout;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy on loopback for one directed peer link (a dialling node to the node it dials). It
 * forwards the acceptor's bytes unchanged and reads the dialler's stream frame by frame (it knows
 * the frame header layout), so a test can tamper with exactly one frame at a time: flip one random
 * bit, replay an earlier frame of the same connection or of a closed one, or cut a frame short
 * and drop the connection.
 */
final class TamperingProxy implements AutoCloseable {
    enum Tamper {
        /** One random bit of the frame flipped, anywhere (header, body or MAC). */
        FLIP_BIT,
        /** The frame forwarded, then an earlier frame of the same connection sent again. */
        REPLAY_SAME_CONNECTION,
        /** The frame forwarded, then a frame recorded on an earlier, closed connection of this link. */
        REPLAY_OLD_CONNECTION,
        /** A random prefix of the frame forwarded, then the connection dropped. */
        TRUNCATE
    }

    private record Armed(Tamper tamper, CompletableFuture<Void> applied) {}

    private final ServerSocket server;
    private final int targetPort;
    private final Random random;
    private final AtomicReference<Armed> armed = new AtomicReference<>();
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private volatile byte[] frameOfClosedConnection;
    private volatile boolean closed;
    final AtomicLong framesForwarded = new AtomicLong();
    final AtomicLong tampered = new AtomicLong();

    TamperingProxy(int targetPort, long seed) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.random = new Random(seed);
        Thread.ofPlatform().daemon().name("proxy-accept-" + port()).start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Tampers with the next frame that passes in the way given; the future completes once it has. */
    CompletableFuture<Void> arm(Tamper tamper) {
        Armed a = new Armed(tamper, new CompletableFuture<>());
        if (!armed.compareAndSet(null, a)) {
            throw new IllegalStateException("a tampering action is already armed");
        }
        return a.applied();
    }

    /** Drops every connection (as a network reset would); the dialler dials again. */
    void resetConnections() {
        for (Link l : links) {
            l.close();
        }
    }

    boolean hasRecordedClosedConnection() {
        return frameOfClosedConnection != null;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket from;
            try {
                from = server.accept();
            } catch (IOException e) {
                continue; // closed, or a failed accept: the loop condition decides
            }
            try {
                Socket to = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                from.setTcpNoDelay(true);
                to.setTcpNoDelay(true);
                Link l = new Link(from, to);
                links.add(l);
                Thread.ofPlatform().daemon().name("proxy-up-" + port()).start(l::pumpFrames);
                Thread.ofPlatform().daemon().name("proxy-down-" + port()).start(l::pumpBytes);
            } catch (IOException e) {
                try {
                    from.close(); // the target is not listening yet: the dialler redials
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }
    }

    /** One proxied connection. */
    private final class Link {
        private final Socket from;
        private final Socket to;
        private final List<byte[]> history = new ArrayList<>();
        private volatile boolean done;

        Link(Socket from, Socket to) {
            this.from = from;
            this.to = to;
        }

        /** Acceptor to dialler: the hello, passed through untouched. */
        void pumpBytes() {
            try (InputStream in = to.getInputStream(); OutputStream out = from.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // closed
            } finally {
                close();
            }
        }

        /** Dialler to acceptor: frame by frame, tampering with the armed one. */
        void pumpFrames() {
            try {
                DataInputStream in = new DataInputStream(from.getInputStream());
                OutputStream out = to.getOutputStream();
                while (!done) {
                    byte[] header = new byte[FrameLayout.HEADER_BYTES];
                    in.readFully(header);
                    long total = FrameLayout.frameBytes(header, 0);
                    byte[] frame = new byte[(int) total];
                    System.arraycopy(header, 0, frame, 0, header.length);
                    in.readFully(frame, header.length, frame.length - header.length);
                    Armed a = armed.getAndSet(null);
                    if (a == null || !apply(a, frame, out)) {
                        if (a != null) {
                            armed.set(a); // not applicable to this frame (nothing recorded yet): the next one
                        }
                        out.write(frame);
                    }
                    out.flush();
                    framesForwarded.incrementAndGet();
                    history.add(frame);
                    if (history.size() > 32) {
                        history.remove(0);
                    }
                }
            } catch (EOFException ignored) {
                // the dialler closed
            } catch (IOException ignored) {
                // closed by us or by either side
            } finally {
                if (!history.isEmpty()) {
                    frameOfClosedConnection = history.get(history.size() - 1);
                }
                close();
            }
        }

        /** Writes the tampered form of {@code frame}; false if this action cannot apply to it. */
        private boolean apply(Armed a, byte[] frame, OutputStream out) throws IOException {
            switch (a.tamper()) {
                case FLIP_BIT -> {
                    byte[] f = frame.clone();
                    int bit = random.nextInt(f.length * 8);
                    f[bit / 8] ^= (byte) (1 << (bit % 8));
                    out.write(f);
                }
                case REPLAY_SAME_CONNECTION -> {
                    if (history.isEmpty()) {
                        return false;
                    }
                    out.write(frame);
                    out.write(history.get(random.nextInt(history.size())));
                }
                case REPLAY_OLD_CONNECTION -> {
                    byte[] old = frameOfClosedConnection;
                    if (old == null || history.isEmpty()) {
                        return false; // after this connection's first frame, so the replay cannot end it
                    }
                    out.write(frame);
                    out.write(old);
                }
                case TRUNCATE -> {
                    out.write(frame, 0, 1 + random.nextInt(frame.length - 1));
                    out.flush();
                    tampered.incrementAndGet();
                    a.applied().complete(null);
                    throw new IOException("truncated on purpose"); // ends this link
                }
            }
            tampered.incrementAndGet();
            out.flush();
            a.applied().complete(null);
            return true;
        }

        void close() {
            done = true;
            links.remove(this);
            try {
                from.close();
            } catch (IOException ignored) {
                // already closed
            }
            try {
                to.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        resetConnections();
    }
}
