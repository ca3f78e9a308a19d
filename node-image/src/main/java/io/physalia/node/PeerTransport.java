package io.physalia.node;

import io.physalia.core.cell.NodeId;
import io.physalia.core.driver.PeerLiveness;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.wire.DecodeResult;
import io.physalia.core.wire.FrameLayout;
import io.physalia.core.wire.Keyring;
import io.physalia.core.wire.PeerPing;
import io.physalia.core.wire.SessionGuard;
import io.physalia.core.wire.WireCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Inter-node TCP. Each node dials every peer of its {@link PeerDirectory} it talks to (one
 * outgoing connection per peer, redialled after a failure) and accepts the peers' connections.
 * The directory may change at any time ({@link #directoryChanged}): a peer added is dialled, a
 * peer removed is no longer dialled or pinged (its connection is closed), a peer whose address
 * changed is redialled there. Frames and pings from a node not in the directory are refused and
 * counted ({@link #unknownPeer}). The accepting end speaks first: a hello with a
 * random session id ({@link #HELLO_BYTES}). After that the dialer sends only {@link WireCodec}
 * frames, consensus messages and pings alike, each stamped with that session and the next
 * sequence number under its HMAC; the acceptor checks both with a {@link SessionGuard}, so a
 * frame replayed on this connection or recorded on another one is rejected and counted.
 *
 * <p>Liveness is per node pair, never per cell: every node pings every directory peer every
 * {@link #PING_EVERY_MILLIS}; a peer is alive if a ping from it arrived within
 * {@link #PEER_DEAD_AFTER_MILLIS} (core's {@link PeerLiveness}, the rule SimWorld runs too) and
 * this node's connection to it has not closed since (a killed process is known dead at once,
 * not after the silence). A ping ({@link PeerPing}) names the sender and its HTTP
 * address (for redirects); being a frame, it is signed and verified with the same keyring as
 * everything else, so key rotation never silences it.
 *
 * <p>Keys: the key file is read again every {@link #KEY_FILE_POLL_MILLIS}; every codec picks up
 * the new keyring before its next frame.
 */
final class PeerTransport {
    static final long PING_EVERY_MILLIS = 150;
    static final long PEER_DEAD_AFTER_MILLIS = 750;
    static final long KEY_FILE_POLL_MILLIS = 1000;
    static final long HELLO_TIMEOUT_MILLIS = 2000;
    static final long REDIAL_MILLIS = 250;
    /**
     * How long a frame may take to arrive once its header has: longer means its length field was
     * altered (the MAC, at the end, cannot tell before the bytes are there), and the stream is closed.
     */
    static final long FRAME_STALL_MILLIS = 3000;
    /** The acceptor's hello: the frame magic, the format version, then the 8-byte session id. */
    static final int HELLO_BYTES = 3 + 8;
    private static final Logger LOG = Logger.getLogger(PeerTransport.class.getName());

    private final Vertx vertx;
    private final LongSupplier monotonicMillis;
    /**
     * Told each peer that can hear this node again: its pings came back after a silence over a
     * link still up, or a link to it was (re)established. Its cells may have outcomes it missed.
     */
    private final Consumer<String> peerReturned;
    private final NodeConfig config;
    private final PeerDirectory directory;
    private final KeyFile keys;
    private final String advertisedHttp;
    private final PeerPing ping;
    private final Consumer<Envelope> inbound;
    private final SecureRandom random = new SecureRandom();
    private final PeerLiveness liveness = new PeerLiveness(PING_EVERY_MILLIS, PEER_DEAD_AFTER_MILLIS, new ConcurrentHashMap<>());
    private final Map<String, String> httpOf = new ConcurrentHashMap<>();
    private final Map<String, Outgoing> outgoing = new ConcurrentHashMap<>();
    /** The dial loop of each peer dialled; touched only on {@link #context}. */
    private final Map<String, Link> links = new java.util.HashMap<>();
    private final Set<Incoming> incoming = ConcurrentHashMap.newKeySet();
    /** Guards {@link #closedRejections} and the move of a closing connection's counts into it. */
    private final Object rejectionLock = new Object();
    private final Map<DecodeResult.Reason, Long> closedRejections = new EnumMap<>(DecodeResult.Reason.class);

    final AtomicLong framesDroppedQueueFull = new AtomicLong();
    final AtomicLong framesDroppedNotConnected = new AtomicLong();
    final AtomicLong framesDroppedUnencodable = new AtomicLong();
    /** Frames and pings refused because they came from (or were meant for) a node of another color. */
    final AtomicLong wrongColor = new AtomicLong();
    /**
     * Frames and pings refused because their sender is not in the directory. The control plane
     * tells both ends of a new link, not atomically: the one told first dials and is refused
     * until the other is told, which then dials back at once (liveness returns within a dial).
     */
    final AtomicLong unknownPeer = new AtomicLong();
    /** Frames and pings accepted, by the id of the key that signed them: shows when an old key is out of use. */
    private final Map<Integer, AtomicLong> acceptedByKey = new ConcurrentHashMap<>();
    final AtomicLong keyReloadsApplied = new AtomicLong();
    final AtomicLong keyReloadsRefused = new AtomicLong();
    private NetServer server;
    private NetClient client;
    /** Where every dial, redial and close runs, so links need no lock. */
    private io.vertx.core.Context context;
    private volatile boolean stopped;

    PeerTransport(Vertx vertx, LongSupplier monotonicMillis, NodeConfig config, PeerDirectory directory, KeyFile keys,
                  String advertisedHttp, Consumer<Envelope> inbound, Consumer<String> peerReturned) {
        this.vertx = vertx;
        this.peerReturned = peerReturned;
        this.monotonicMillis = monotonicMillis;
        this.config = config;
        this.directory = directory;
        this.keys = keys;
        this.advertisedHttp = advertisedHttp;
        this.ping = new PeerPing(new NodeId(config.name()), advertisedHttp);
        this.inbound = inbound;
    }

    Future<NetServer> start() {
        client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(1000).setTcpNoDelay(true));
        context = vertx.getOrCreateContext(); // called off Vert.x: a context of its own
        context.runOnContext(v -> {
            reconcile();
            vertx.setPeriodic(PING_EVERY_MILLIS, id -> pingAll());
            vertx.setPeriodic(KEY_FILE_POLL_MILLIS, id -> reloadKeys());
        });
        server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true));
        server.connectHandler(this::accept);
        return server.listen(config.peerPort(), config.bindHost());
    }

    void stop() {
        stopped = true;
        if (server != null) {
            server.close();
        }
        if (client != null) {
            client.close();
        }
    }

    /** Whether {@code node} is this one, or a directory peer it talks to whose ping arrived recently. */
    boolean alive(String node, long nowMillis) {
        if (node.equals(config.name())) {
            return true;
        }
        // the directory is checked too: a ping handled just before its sender was removed must not count
        return liveness.alive(node, nowMillis) && directory.talksTo(node);
    }

    /** Directory peers this node talks to that are alive. */
    int alivePeers(long nowMillis) {
        int n = 0;
        for (String p : directory.snapshot().keySet()) {
            if (alive(p, nowMillis)) {
                n++;
            }
        }
        return n;
    }

    /**
     * The directory was replaced: brings the dialled connections in line with it, on the
     * transport's context (returns at once; never blocks the caller's event loop).
     */
    void directoryChanged() {
        if (context != null) {
            context.runOnContext(v -> reconcile());
        }
    }

    /**
     * Makes the links match the directory as it is now (not as a given change described it, so
     * updates applied out of order still end in the latest directory): one link per peer this
     * node talks to, at its current address.
     */
    private void reconcile() {
        if (stopped) {
            return;
        }
        Map<String, PeerDirectory.Peer> now = directory.snapshot();
        for (java.util.Iterator<Link> it = links.values().iterator(); it.hasNext(); ) {
            Link l = it.next();
            PeerDirectory.Peer p = now.get(l.peer);
            if (p == null || !directory.talksTo(p) || !p.address().equals(l.address)) {
                it.remove();
                l.cancel(); // removed, of another color now, or moved: this connection is done
            }
        }
        for (PeerDirectory.Peer p : now.values()) {
            if (!links.containsKey(p.name()) && directory.talksTo(p)) {
                Link l = new Link(p.name(), p.address()); // nodes of different colors never talk: no link at all
                links.put(p.name(), l);
                l.dial();
            }
        }
        // what was heard from nodes no longer in the directory is of no use (and must not pile up)
        liveness.retainOnly(now.keySet());
        httpOf.keySet().retainAll(now.keySet());
    }

    /** host:port of a peer's HTTP API, as its pings announce it, or null. */
    String httpAddress(String node) {
        return node.equals(config.name()) ? advertisedHttp : httpOf.get(node);
    }

    /**
     * Sends {@code envelope} to its addressee, encoded as the next frame of that connection.
     * Dropped (and counted; Paxos retransmits) if the peer is not connected or its connection is busy.
     */
    void send(Envelope envelope) {
        String node = envelope.to().node().name();
        if (directory.contains(node) && !directory.talksTo(node)) {
            wrongColor.incrementAndGet();
            return;
        }
        Outgoing o = outgoing.get(node);
        if (o == null) {
            framesDroppedNotConnected.incrementAndGet();
            return;
        }
        o.send((codec, session, sequence) -> codec.encode(envelope, session, sequence));
    }

    /** Frames rejected so far, by reason, over every connection this node accepted (closed ones included). */
    Map<DecodeResult.Reason, Long> rejections() {
        Map<DecodeResult.Reason, Long> sum = new EnumMap<>(DecodeResult.Reason.class);
        synchronized (rejectionLock) {
            for (DecodeResult.Reason r : DecodeResult.Reason.values()) {
                sum.put(r, closedRejections.getOrDefault(r, 0L));
            }
            for (Incoming in : incoming) {
                // plain counters of another event loop: a scrape may lag by a frame, never more
                in.codec.rejections().snapshot().forEach((r, n) -> sum.merge(r, n, Long::sum));
            }
        }
        return sum;
    }

    /** Frames accepted so far, by signing key id. */
    Map<Integer, Long> acceptedByKey() {
        Map<Integer, Long> m = new java.util.TreeMap<>();
        acceptedByKey.forEach((k, n) -> m.put(k, n.get()));
        return m;
    }

    long rejectedTotal() {
        return rejections().values().stream().mapToLong(Long::longValue).sum();
    }

    private void reloadKeys() {
        vertx.executeBlocking(keys::reload, false).onSuccess(r -> {
            switch (r) {
                case APPLIED -> keyReloadsApplied.incrementAndGet();
                case REFUSED -> keyReloadsRefused.incrementAndGet();
                case UNCHANGED -> { }
            }
        });
    }

    /** The codec's keyring, brought up to date with the key file; called by the codec's only user. */
    private void refreshKeys(WireCodec codec) {
        Keyring current = keys.keyring();
        if (codec.keyring() != current) {
            codec.useKeyring(current);
        }
    }

    // ---- outgoing ----------------------------------------------------------------------------

    @FunctionalInterface
    private interface FrameMaker {
        byte[] make(WireCodec codec, long session, long sequence);
    }

    /**
     * One dialled connection. Senders on any thread take its lock: sequence order is write order.
     * Frames are not written one by one: each is appended to {@link #pending}, and the first one
     * since the last flush schedules a flush on the socket's own context, which hands everything
     * appended meanwhile to the socket as one write. Under load the frames of many cells bound
     * for this peer share one wake-up of the event loop and one system call; an idle link pays
     * the same one hop a direct write from another thread would (Vert.x moves such a write to the
     * socket's event loop too).
     */
    private final class Outgoing {
        /** Most bytes waiting for a flush; past it frames are dropped like a full write queue (Paxos retransmits). */
        private static final int MAX_PENDING_BYTES = 4 << 20;

        private final String peer;
        private final NetSocket socket;
        private final io.vertx.core.Context socketContext;
        private final long session;
        private final WireCodec codec;
        private long sequence;
        private boolean closed;
        private Buffer pending;

        Outgoing(String peer, NetSocket socket, io.vertx.core.Context socketContext, long session) {
            this.peer = peer;
            this.socket = socket;
            this.socketContext = socketContext;
            this.session = session;
            this.codec = new WireCodec(keys.keyring());
        }

        synchronized void send(FrameMaker maker) {
            if (closed) {
                return;
            }
            if (socket.writeQueueFull() || (pending != null && pending.length() >= MAX_PENDING_BYTES)) {
                framesDroppedQueueFull.incrementAndGet();
                return;
            }
            refreshKeys(codec);
            byte[] frame;
            try {
                frame = maker.make(codec, session, sequence + 1);
            } catch (IllegalArgumentException e) {
                framesDroppedUnencodable.incrementAndGet();
                LOG.warning("frame to " + peer + " not sent: " + e.getMessage());
                return;
            }
            sequence++;
            if (pending == null) {
                pending = Buffer.buffer(Math.max(512, 2 * frame.length));
                socketContext.runOnContext(v -> flush());
            }
            pending.appendBytes(frame);
        }

        /** On the socket's context: everything appended since the last flush, in sequence order, as one write. */
        private void flush() {
            Buffer out;
            synchronized (this) {
                out = pending;
                pending = null;
                if (closed || out == null) {
                    return;
                }
            }
            socket.write(out);
        }

        synchronized void close() {
            closed = true;
        }
    }

    /**
     * The dial loop of one peer at one address: connects, takes the hello, and redials
     * {@link #REDIAL_MILLIS} after every failure or close, until cancelled. Runs on {@link #context}.
     */
    private final class Link {
        private final String peer;
        private final NodeConfig.HostPort address;
        private boolean cancelled;
        private NetSocket socket;
        private Outgoing conn;

        Link(String peer, NodeConfig.HostPort address) {
            this.peer = peer;
            this.address = address;
        }

        /** Stops the loop and closes its connection: the peer was removed or moved. */
        void cancel() {
            cancelled = true;
            if (conn != null) {
                conn.close(); // senders on other threads stop writing to it at once
                outgoing.remove(peer, conn);
            }
            if (socket != null) {
                socket.close();
            }
        }

        private void redialLater() {
            vertx.setTimer(REDIAL_MILLIS, t -> dial());
        }

        void dial() {
            if (stopped || cancelled) {
                return;
            }
            client.connect(address.port(), dialHost(address.host())).onComplete(ar -> {
                if (ar.failed()) {
                    redialLater();
                    return;
                }
                NetSocket s = ar.result();
                if (cancelled) {
                    s.close(); // cancelled while connecting
                    return;
                }
                socket = s;
                Buffer hello = Buffer.buffer();
                long helloTimer = vertx.setTimer(HELLO_TIMEOUT_MILLIS, t -> {
                    if (conn == null) {
                        LOG.warning("peer " + peer + " at " + address + " sent no hello within " + HELLO_TIMEOUT_MILLIS + " ms; redialling");
                        s.close();
                    }
                });
                s.handler(b -> {
                    if (conn != null) {
                        LOG.warning("peer " + peer + " sent bytes after its hello; closing the connection");
                        s.close();
                        return;
                    }
                    hello.appendBuffer(b);
                    if (hello.length() < HELLO_BYTES) {
                        return;
                    }
                    vertx.cancelTimer(helloTimer);
                    long session = hello.length() == HELLO_BYTES ? helloSession(hello.getBytes()) : 0;
                    if (session == 0) {
                        LOG.warning("peer " + peer + " at " + address + " did not greet as a Physalia node of wire format "
                                + FrameLayout.FORMAT_VERSION + "; closing the connection");
                        s.close();
                        return;
                    }
                    conn = new Outgoing(peer, s, vertx.getOrCreateContext(), session); // on the socket's context
                    outgoing.put(peer, conn);
                    conn.send((codec, sess, seq) -> codec.encodePing(ping, sess, seq)); // alive at once, not a tick later
                    peerReturned.accept(peer); // a link of ours came (back) up: the peer may have missed outcomes
                });
                s.closeHandler(v -> {
                    vertx.cancelTimer(helloTimer);
                    if (conn != null) {
                        conn.close();
                        outgoing.remove(peer, conn);
                        conn = null;
                        liveness.lost(peer); // its pings will say when it is back
                    }
                    socket = null;
                    if (!cancelled) {
                        redialLater();
                    }
                });
                s.exceptionHandler(e -> s.close());
            });
        }
    }

    /** A host as the socket API takes it: an IPv6 literal without the brackets of host:port. */
    static String dialHost(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private void pingAll() {
        for (Outgoing o : outgoing.values()) {
            o.send((codec, session, sequence) -> codec.encodePing(ping, session, sequence));
        }
    }

    static Buffer hello(long session) {
        return Buffer.buffer(HELLO_BYTES).appendByte(FrameLayout.MAGIC_0).appendByte(FrameLayout.MAGIC_1)
                .appendByte((byte) FrameLayout.FORMAT_VERSION).appendLong(session);
    }

    /** The session id of a well-formed hello, else 0 (never a valid session). */
    static long helloSession(byte[] hello) {
        if (hello.length != HELLO_BYTES || hello[0] != FrameLayout.MAGIC_0 || hello[1] != FrameLayout.MAGIC_1
                || (hello[2] & 0xFF) != FrameLayout.FORMAT_VERSION) {
            return 0;
        }
        return java.nio.ByteBuffer.wrap(hello, 3, 8).getLong();
    }

    // ---- incoming ----------------------------------------------------------------------------

    private void accept(NetSocket socket) {
        long session;
        do {
            session = random.nextLong();
        } while (session == 0);
        Incoming in = new Incoming(socket, new SessionGuard(session));
        incoming.add(in);
        socket.handler(in::onData);
        socket.exceptionHandler(e -> socket.close());
        socket.closeHandler(v -> in.closed());
        socket.write(hello(session));
    }

    /** One accepted connection; all of it runs on the connection's event loop. */
    private final class Incoming {
        private final NetSocket socket;
        private final SessionGuard guard;
        private final WireCodec codec = new WireCodec(keys.keyring());
        private Buffer pending = Buffer.buffer();
        private int pos;
        private boolean closing;
        private boolean warned;
        private long framesCompleted;
        private long stallTimer = -1;

        Incoming(NetSocket socket, SessionGuard guard) {
            this.socket = socket;
            this.guard = guard;
        }

        void onData(Buffer data) {
            if (closing) {
                return;
            }
            pending.appendBuffer(data);
            while (pending.length() - pos >= FrameLayout.HEADER_BYTES) {
                byte[] header = pending.getBytes(pos, pos + FrameLayout.HEADER_BYTES);
                long total = FrameLayout.frameBytes(header, 0);
                if (!plausible(header) || total > codec.maxFrameBytes()) {
                    // Not a frame boundary (a foreign protocol, or bytes lost or altered in the
                    // length field) or a frame we will not buffer: the stream cannot be trusted
                    // any more. Counted with its reason; the dialer reconnects with a new session.
                    reject(codec.decode(header));
                    abandon();
                    return;
                }
                if (pending.length() - pos < total) {
                    break;
                }
                byte[] frame = pending.getBytes(pos, pos + (int) total);
                pos += (int) total;
                framesCompleted++;
                handle(frame);
                if (closing) {
                    return;
                }
            }
            if (pos > 0) {
                pending = pending.getBuffer(pos, pending.length());
                pos = 0;
            }
            if (pending.length() > 0 && stallTimer < 0) {
                watchForStall(framesCompleted);
            }
        }

        /** Closes the connection after a counted rejection; what is buffered is dropped uncounted. */
        private void abandon() {
            closing = true;
            pending = Buffer.buffer();
            pos = 0;
            socket.close();
        }

        /** Closes the stream if no frame completes within {@link #FRAME_STALL_MILLIS} while bytes wait. */
        private void watchForStall(long completedBefore) {
            stallTimer = vertx.setTimer(FRAME_STALL_MILLIS, id -> {
                stallTimer = -1;
                if (closing || pending.length() == 0) {
                    return;
                }
                if (framesCompleted == completedBefore) {
                    closing = true;
                    socket.close(); // the partial frame is counted (TRUNCATED) when the close lands
                } else {
                    watchForStall(framesCompleted);
                }
            });
        }

        private boolean plausible(byte[] header) {
            return header[0] == FrameLayout.MAGIC_0 && header[1] == FrameLayout.MAGIC_1
                    && (header[2] & 0xFF) == FrameLayout.FORMAT_VERSION;
        }

        private void handle(byte[] frame) {
            refreshKeys(codec);
            DecodeResult result = codec.decode(frame, guard);
            if (!(result instanceof DecodeResult.Rejected)) {
                acceptedByKey.computeIfAbsent(FrameLayout.keyId(frame, 0), k -> new AtomicLong()).incrementAndGet();
            }
            switch (result) {
                case DecodeResult.Ok ok -> {
                    if (!ok.envelope().to().node().name().equals(config.name())) {
                        return; // addressed to another node: not ours to deliver
                    }
                    if (fromPeer(ok.envelope().from().node().name())) {
                        inbound.accept(ok.envelope());
                    }
                }
                case DecodeResult.Ping p -> onPing(p.ping());
                case DecodeResult.Rejected r -> {
                    reject(r);
                    if (r.reason() == DecodeResult.Reason.WRONG_SESSION && guard.lastSequence() == 0) {
                        // The dialer's first frame already names another session: it did not get
                        // our hello intact. Closing makes it dial again and get a new one.
                        abandon();
                    }
                }
            }
        }

        private void reject(DecodeResult result) {
            if (result instanceof DecodeResult.Rejected r && !warned) {
                warned = true; // once per connection: a tampering network must not flood the log
                LOG.warning("peer connection from " + socket.remoteAddress() + ": frame rejected (" + r.reason() + ": "
                        + r.detail() + "); further rejections on this connection are only counted");
            }
        }

        void closed() {
            if (stallTimer >= 0) {
                vertx.cancelTimer(stallTimer);
            }
            synchronized (rejectionLock) {
                if (pending.length() > pos) {
                    reject(codec.decode(pending.getBytes(pos, pending.length()))); // cut off by the close: TRUNCATED
                }
                codec.rejections().snapshot().forEach((r, n) -> closedRejections.merge(r, n, Long::sum));
                incoming.remove(this);
            }
        }
    }

    /**
     * Whether a frame or ping from {@code sender} may be taken; if not, counts why: the sender is
     * not in the directory (not told of it yet, or removed), or is a node of another color.
     */
    private boolean fromPeer(String sender) {
        if (!directory.contains(sender)) {
            unknownPeer.incrementAndGet();
            return false;
        }
        if (!directory.talksTo(sender)) {
            wrongColor.incrementAndGet(); // another color's node: refused, never delivered
            return false;
        }
        return true;
    }

    private void onPing(PeerPing p) {
        String peer = p.from().name();
        if (!fromPeer(peer)) {
            return;
        }
        if (liveness.heard(peer, monotonicMillis.getAsLong()) && outgoing.containsKey(peer)) {
            peerReturned.accept(peer); // its pings are back over a link that stayed up (a partition healed)
        }
        httpOf.put(peer, p.httpAddress());
    }
}
