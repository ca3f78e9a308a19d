package io.physalia.benchmarks.etcd;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * etcd's own client protocol, gRPC, as etcd's Go client speaks it: unary calls of the KV and
 * Maintenance services over plaintext HTTP/2, one channel per member (and more for the load).
 * Messages are {@link EtcdWire}'s bytes, so no generated stubs are needed.
 */
public final class EtcdClient implements AutoCloseable {
    private static final long DEADLINE_SECONDS = 10;

    /** Messages pass as the bytes {@link EtcdWire} wrote or will read (declared first: the descriptors below use it). */
    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private static final MethodDescriptor<byte[], byte[]> PUT = unary("etcdserverpb.KV/Put");
    private static final MethodDescriptor<byte[], byte[]> RANGE = unary("etcdserverpb.KV/Range");
    private static final MethodDescriptor<byte[], byte[]> STATUS = unary("etcdserverpb.Maintenance/Status");

    private final EtcdCluster cluster;
    private final ManagedChannel[] members;
    private final List<ManagedChannel> extra = new CopyOnWriteArrayList<>();

    EtcdClient(EtcdCluster cluster) {
        this.cluster = cluster;
        this.members = new ManagedChannel[cluster.size()];
        for (int i = 0; i < members.length; i++) {
            members[i] = channel(i);
        }
    }

    private ManagedChannel channel(int member) {
        return NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", cluster.clientPort(member)))
                .usePlaintext().build();
    }

    /** {@code n} more connections to {@code member}, closed with the client: a load spreads over them. */
    public List<Channel> connections(int member, int n) {
        List<Channel> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ManagedChannel c = channel(member);
            extra.add(c);
            out.add(c);
        }
        return out;
    }

    public Channel member(int i) {
        return members[i];
    }

    EtcdWire.Status status(int member) throws IOException {
        return EtcdWire.status(call(members[member], STATUS, new byte[0]));
    }

    /** A put at {@code member}; returns once committed (etcd answers a put after its entry is applied). */
    public void put(Channel at, byte[] key, byte[] value) throws IOException {
        call(at, PUT, EtcdWire.put(key, value));
    }

    /** {@link #put(Channel, byte[], byte[])} that gives up after {@code deadline}. */
    public void put(Channel at, byte[] key, byte[] value, java.time.Duration deadline) throws IOException {
        call(at, PUT, EtcdWire.put(key, value), CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
    }

    /**
     * The value of {@code key} read at {@code at}: linearizable (etcd's default: a ReadIndex round
     * through the leader) or serializable (the member's local state). Null when the key is absent.
     */
    public byte[] get(Channel at, byte[] key, boolean serializable) throws IOException {
        List<byte[]> values = EtcdWire.rangeValues(call(at, RANGE, EtcdWire.range(key, serializable)));
        return values.isEmpty() ? null : values.getFirst();
    }

    /** An asynchronous put; completes with true once committed, false on any failure (never exceptionally). */
    public static CompletableFuture<Boolean> putAsync(Channel at, byte[] key, byte[] value) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        try {
            ClientCalls.asyncUnaryCall(at.newCall(PUT, options()), EtcdWire.put(key, value), new StreamObserver<>() {
                @Override
                public void onNext(byte[] reply) {
                    done.complete(true);
                }

                @Override
                public void onError(Throwable t) {
                    done.complete(false);
                }

                @Override
                public void onCompleted() {
                    done.complete(true);
                }
            });
        } catch (RuntimeException e) {
            done.complete(false);
        }
        return done;
    }

    private static byte[] call(Channel at, MethodDescriptor<byte[], byte[]> method, byte[] request) throws IOException {
        return call(at, method, request, options());
    }

    private static byte[] call(Channel at, MethodDescriptor<byte[], byte[]> method, byte[] request, CallOptions options) throws IOException {
        try {
            return ClientCalls.blockingUnaryCall(at, method, options, request);
        } catch (StatusRuntimeException e) {
            throw new IOException("etcd " + method.getFullMethodName() + " failed: " + e.getStatus(), e);
        }
    }

    private static CallOptions options() {
        return CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private static MethodDescriptor<byte[], byte[]> unary(String name) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(name).setRequestMarshaller(RAW).setResponseMarshaller(RAW).build();
    }

    @Override
    public void close() {
        List<ManagedChannel> all = new ArrayList<>(List.of(members));
        all.addAll(extra);
        for (ManagedChannel c : all) {
            c.shutdownNow();
        }
        for (ManagedChannel c : all) {
            try {
                c.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
