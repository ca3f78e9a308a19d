package io.physalia.node;

import io.physalia.core.paxos.Envelope;
import io.physalia.core.wire.DecodeResult;
import io.physalia.core.wire.FrameLayout;
import io.physalia.core.wire.WireCodec;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Inter-node TCP. Each node dials every peer (one outgoing connection per peer, redialled after
 * a failure) and accepts the peers' connections. The stream carries units, each a kind byte and
 * then either a {@link WireCodec} frame (its length from the frame header) or a ping.
 *
 * <p>Liveness is per node pair, never per cell: every node pings every peer every
 * {@link #PING_EVERY_MILLIS}; a peer is alive if a ping from it arrived within
 * {@link #PEER_DEAD_AFTER_MILLIS}. A ping is {@code [u32 length][body][HMAC-SHA256 of body]}
 * with body = sender name, sender HTTP address and its clock reading, so a forged ping cannot
 * fake liveness, and it tells receivers where the sender's HTTP API is (for redirects).
 */
final class PeerTransport {
    static final long PING_EVERY_MILLIS = 150;
    static final long PEER_DEAD_AFTER_MILLIS = 750;
    private static final byte KIND_FRAME = 1;
    private static final byte KIND_PING = 2;
    private static final int MAX_PING_BYTES = 4096;
    private static final Logger LOG = Logger.getLogger(PeerTransport.class.getName());

    private final Vertx vertx;
    private final NodeConfig config;
    private final KeyFile keys;
    private final String advertisedHttp;
    private final Consumer<Envelope> inbound;
    private final Map<String, Long> lastHeard = new ConcurrentHashMap<>();
    private final Map<String, String> httpOf = new ConcurrentHashMap<>();
    private final Map<String, NetSocket> outgoing = new ConcurrentHashMap<>();
    /** Every decoding codec, one per accepted connection, for the rejected-frames metric. */
    final List<WireCodec> decoders = new CopyOnWriteArrayList<>();
    /** Rejections counted by codecs of connections that have closed since. */
    final Map<DecodeResult.Reason, Long> closedRejections = new ConcurrentHashMap<>();
    /** Frames refused from the header alone (declared length over the maximum); the stream is closed. */
    final AtomicLong framesTooLarge = new AtomicLong();
    final AtomicLong framesDroppedQueueFull = new AtomicLong();
    final AtomicLong pingsRejected = new AtomicLong();
    /** Frames and pings refused because they came from (or were meant for) a node of another color. */
    final AtomicLong wrongColor = new AtomicLong();
    private NetServer server;
    private NetClient client;
    private volatile boolean stopped;

    PeerTransport(Vertx vertx, NodeConfig config, KeyFile keys, String advertisedHttp, Consumer<Envelope> inbound) {
        this.vertx = vertx;
        this.config = config;
        this.keys = keys;
        this.advertisedHttp = advertisedHttp;
        this.inbound = inbound;
    }

    io.vertx.core.Future<NetServer> start() {
        client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(1000).setTcpNoDelay(true));
        for (String peer : config.peers().keySet()) {
            if (config.sameColor(peer)) {
                dial(peer); // nodes of different colors never talk: no connection to them at all
            }
        }
        vertx.setPeriodic(PING_EVERY_MILLIS, id -> pingAll());
        server = vertx.createNetServer(new io.vertx.core.net.NetServerOptions().setTcpNoDelay(true));
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

    boolean alive(String node, long nowMillis) {
        if (node.equals(config.name())) {
            return true;
        }
        Long heard = lastHeard.get(node);
        return heard != null && nowMillis - heard <= PEER_DEAD_AFTER_MILLIS;
    }

    int alivePeers(long nowMillis) {
        int n = 0;
        for (String p : config.peers().keySet()) {
            if (config.sameColor(p) && alive(p, nowMillis)) {
                n++;
            }
        }
        return n;
    }

    /** host:port of a peer's HTTP API, as its pings announce it, or null. */
    String httpAddress(String node) {
        return node.equals(config.name()) ? advertisedHttp : httpOf.get(node);
    }

    /** Sends one encoded frame to {@code node}; dropped (Paxos retransmits) if it is not connected or busy. */
    void send(String node, byte[] frame) {
        if (!config.sameColor(node)) {
            wrongColor.incrementAndGet();
            return;
        }
        NetSocket s = outgoing.get(node);
        if (s == null) {
            return;
        }
        if (s.writeQueueFull()) {
            framesDroppedQueueFull.incrementAndGet();
            return;
        }
        Buffer b = Buffer.buffer(frame.length + 1);
        b.appendByte(KIND_FRAME);
        b.appendBytes(frame);
        s.write(b);
    }

    // ---- outgoing ----------------------------------------------------------------------------

    private void dial(String peer) {
        if (stopped) {
            return;
        }
        NodeConfig.HostPort hp = config.peers().get(peer);
        client.connect(hp.port(), hp.host()).onComplete(ar -> {
            if (ar.failed()) {
                vertx.setTimer(250, t -> dial(peer));
                return;
            }
            NetSocket s = ar.result();
            outgoing.put(peer, s);
            s.handler(b -> { }); // nothing flows back on an outgoing connection
            s.closeHandler(v -> {
                outgoing.remove(peer, s);
                vertx.setTimer(250, t -> dial(peer));
            });
            s.exceptionHandler(e -> s.close());
            s.write(ping());
        });
    }

    private void pingAll() {
        Buffer p = ping();
        for (NetSocket s : outgoing.values()) {
            if (!s.writeQueueFull()) {
                s.write(p);
            }
        }
    }

    private Buffer ping() {
        byte[] name = config.name().getBytes(StandardCharsets.UTF_8);
        byte[] http = advertisedHttp.getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(2 + name.length + 2 + http.length + 8);
        body.putShort((short) name.length).put(name).putShort((short) http.length).put(http).putLong(Node.nowMillis());
        byte[] mac = keys.mac(body.array());
        Buffer b = Buffer.buffer(1 + 4 + body.capacity() + mac.length);
        b.appendByte(KIND_PING).appendInt(body.capacity() + mac.length).appendBytes(body.array()).appendBytes(mac);
        return b;
    }

    // ---- incoming ----------------------------------------------------------------------------

    private void accept(NetSocket socket) {
        WireCodec codec = new WireCodec(keys.keyring());
        decoders.add(codec);
        RecordParser parser = RecordParser.newFixed(1);
        int[] state = {0}; // 0: kind byte; 1: frame header; 2: frame rest; 3: ping length; 4: ping body
        byte[][] header = {null};
        parser.handler(buf -> {
            switch (state[0]) {
                case 0 -> {
                    byte kind = buf.getByte(0);
                    if (kind == KIND_FRAME) {
                        state[0] = 1;
                        parser.fixedSizeMode(FrameLayout.HEADER_BYTES);
                    } else if (kind == KIND_PING) {
                        state[0] = 3;
                        parser.fixedSizeMode(4);
                    } else {
                        LOG.warning("peer connection from " + socket.remoteAddress() + " sent unknown unit kind " + kind + "; closing");
                        socket.close();
                    }
                }
                case 1 -> {
                    header[0] = buf.getBytes();
                    long total = FrameLayout.frameBytes(header[0], 0);
                    if (total > codec.maxFrameBytes()) {
                        framesTooLarge.incrementAndGet();
                        LOG.warning("peer " + socket.remoteAddress() + " declared a " + total + "-byte frame; closing");
                        socket.close();
                        return;
                    }
                    state[0] = 2;
                    parser.fixedSizeMode((int) total - FrameLayout.HEADER_BYTES);
                }
                case 2 -> {
                    byte[] frame = new byte[header[0].length + buf.length()];
                    System.arraycopy(header[0], 0, frame, 0, header[0].length);
                    buf.getBytes(frame, header[0].length);
                    if (codec.decode(frame) instanceof DecodeResult.Ok ok
                            && ok.envelope().to().node().name().equals(config.name())) {
                        if (config.sameColor(ok.envelope().from().node().name())) {
                            inbound.accept(ok.envelope());
                        } else {
                            wrongColor.incrementAndGet(); // another color's node: refused, never delivered
                        }
                    }
                    state[0] = 0;
                    parser.fixedSizeMode(1);
                }
                case 3 -> {
                    int len = buf.getInt(0);
                    if (len < 32 || len > MAX_PING_BYTES) {
                        socket.close();
                        return;
                    }
                    state[0] = 4;
                    parser.fixedSizeMode(len);
                }
                default -> {
                    onPing(buf.getBytes());
                    state[0] = 0;
                    parser.fixedSizeMode(1);
                }
            }
        });
        socket.handler(parser);
        socket.exceptionHandler(e -> socket.close());
        socket.closeHandler(v -> {
            decoders.remove(codec);
            codec.rejections().snapshot().forEach((r, n) -> closedRejections.merge(r, n, Long::sum));
        });
    }

    private void onPing(byte[] unit) {
        int bodyLen = unit.length - 32;
        byte[] body = java.util.Arrays.copyOf(unit, bodyLen);
        byte[] mac = java.util.Arrays.copyOfRange(unit, bodyLen, unit.length);
        if (!MessageDigest.isEqual(mac, keys.mac(body))) {
            pingsRejected.incrementAndGet();
            return;
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(body);
            byte[] name = new byte[b.getShort()];
            b.get(name);
            byte[] http = new byte[b.getShort()];
            b.get(http);
            String peer = new String(name, StandardCharsets.UTF_8);
            if (config.peers().containsKey(peer) && !config.sameColor(peer)) {
                wrongColor.incrementAndGet();
            } else if (config.peers().containsKey(peer)) {
                lastHeard.put(peer, Node.nowMillis());
                httpOf.put(peer, new String(http, StandardCharsets.UTF_8));
            }
        } catch (RuntimeException e) {
            pingsRejected.incrementAndGet();
        }
    }
}
