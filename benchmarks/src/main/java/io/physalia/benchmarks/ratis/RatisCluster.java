package io.physalia.benchmarks.ratis;

import io.physalia.node.local.FreePorts;
import io.physalia.node.local.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyExistsException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;

/**
 * Ratis peers as separate processes on loopback, like the Physalia nodes (one JVM each, same
 * JVM flags, own data directory). Groups are created through Ratis's group management API, each
 * with every peer as a member.
 */
public final class RatisCluster implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("ratis peer \\S+ ready groups=(\\d+)");

    private final Path root;
    private final List<String> jvmFlags;
    private final List<RaftPeer> peers = new ArrayList<>();
    private final Process[] processes;
    private final RaftProperties clientProperties = RatisConf.client();
    private final List<RaftClient> clients = new java.util.concurrent.CopyOnWriteArrayList<>();

    public RatisCluster(Path root, int size, List<String> jvmFlags) throws IOException {
        this.root = root.toAbsolutePath();
        this.jvmFlags = List.copyOf(jvmFlags);
        this.processes = new Process[size];
        int[] ports = FreePorts.ports(size);
        for (int i = 0; i < size; i++) {
            peers.add(RaftPeer.newBuilder().setId("p" + (i + 1)).setAddress("127.0.0.1:" + ports[i]).build());
        }
    }

    public int size() {
        return peers.size();
    }

    public RaftPeer peer(int i) {
        return peers.get(i);
    }

    public Process process(int i) {
        return processes[i];
    }

    Path dir(int i) {
        return root.resolve(peers.get(i).getId().toString());
    }

    private Path log(int i) {
        return dir(i).resolve("peer.out");
    }

    public void start(int i) throws IOException {
        RaftPeer p = peers.get(i);
        String port = p.getAddress().substring(p.getAddress().lastIndexOf(':') + 1);
        Files.createDirectories(dir(i));
        Files.deleteIfExists(log(i)); // the ready line is looked for in a fresh log
        processes[i] = ChildJvm.start(RatisPeerMain.class, jvmFlags,
                List.of(p.getId().toString(), port, dir(i).resolve("storage").toString(),
                        Long.toString(ProcessHandle.current().pid())), log(i));
    }

    public void startAll(Consumer<String> progress) throws IOException, InterruptedException {
        for (int i = 0; i < size(); i++) {
            start(i);
        }
        for (int i = 0; i < size(); i++) {
            awaitReady(i, Duration.ofSeconds(90));
        }
        progress.accept("  " + size() + " Ratis peers ready");
    }

    /** Waits for peer {@code i}'s ready line; returns the number of groups it loaded. */
    public int awaitReady(int i, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!processes[i].isAlive()) {
                throw new IOException("Ratis peer " + peers.get(i).getId() + " exited with code " + processes[i].exitValue() + "; see " + log(i));
            }
            if (Files.exists(log(i))) {
                Matcher m = READY.matcher(Files.readString(log(i), StandardCharsets.UTF_8));
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            Thread.sleep(20);
        }
        throw new IOException("Ratis peer " + peers.get(i).getId() + " not ready after " + timeout + "; see " + log(i));
    }

    /** The group {@code index}: a fixed id, every peer a member. */
    public RaftGroup group(String prefix, int index) {
        UUID id = UUID.nameUUIDFromBytes((prefix + index).getBytes(StandardCharsets.UTF_8));
        return RaftGroup.valueOf(RaftGroupId.valueOf(id), peers);
    }

    /** Adds groups {@code prefix + 0..count-1} to every peer, {@code inFlight} additions at a time. */
    public List<RaftGroup> createGroups(String prefix, int count, int inFlight, Consumer<String> progress)
            throws IOException, InterruptedException {
        List<RaftGroup> groups = new ArrayList<>();
        for (int g = 0; g < count; g++) {
            groups.add(group(prefix, g));
        }
        ExecutorService pool = Executors.newFixedThreadPool(inFlight);
        AtomicLong done = new AtomicLong();
        long progressStep = Math.max(1, Math.min(1000, (long) count * peers.size() / 10)); // a line per tenth of the additions, at most one per 1,000
        long t0 = System.nanoTime();
        try (RaftClient admin = RaftClient.newBuilder().setProperties(RatisConf.adminClient()).setRaftGroup(groups.get(0))
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(10, TimeDuration.valueOf(1, TimeUnit.SECONDS))).build()) {
            List<Future<?>> all = new ArrayList<>();
            for (RaftGroup g : groups) {
                for (RaftPeer p : peers) {
                    all.add(pool.submit(() -> {
                        try {
                            RaftClientReply r = admin.getGroupManagementApi(p.getId()).add(g);
                            if (!r.isSuccess()) {
                                throw new IOException("adding group " + g.getGroupId() + " to " + p.getId() + " failed: " + r);
                            }
                        } catch (AlreadyExistsException e) {
                            // the client retried an add that had succeeded but answered late: done
                        }
                        long n = done.incrementAndGet();
                        if (n % progressStep == 0) {
                            progress.accept(String.format("  Ratis: %,d of %,d group members added", n, (long) count * peers.size()));
                        }
                        return null;
                    }));
                }
            }
            try {
                for (Future<?> f : all) {
                    f.get(15, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow(); // stop the other additions before their client is closed
                pool.awaitTermination(1, TimeUnit.MINUTES);
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("creating Ratis groups failed: " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
        }
        progress.accept(String.format("  Ratis: %,d groups of %d peers created in %.1f s", count, peers.size(), (System.nanoTime() - t0) / 1e9));
        return groups;
    }

    /** A client of {@code group}, closed with the cluster. */
    public RaftClient client(RaftGroup group) {
        RaftClient c = newClient(group);
        clients.add(c);
        return c;
    }

    private RaftClient newClient(RaftGroup group) {
        return RaftClient.newBuilder().setProperties(clientProperties).setRaftGroup(group)
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(100, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                .build();
    }

    public RaftPeerId id(int i) {
        return peers.get(i).getId();
    }

    public int indexOf(RaftPeerId id) {
        for (int i = 0; i < peers.size(); i++) {
            if (peers.get(i).getId().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    public void kill9(int i) throws InterruptedException {
        ChildJvm.kill9(processes[i]);
    }

    /** Closes every client made so far, and its connections. */
    public void closeClients() {
        for (RaftClient c : clients) {
            try {
                c.close();
            } catch (IOException e) {
                // a client that cannot close cleanly holds nothing we need
            }
        }
        clients.clear();
    }

    @Override
    public void close() {
        closeClients();
        for (Process p : processes) {
            if (p != null && p.isAlive()) {
                p.destroy();
            }
        }
        try {
            for (Process p : processes) {
                ChildJvm.stop(p);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the children exit by themselves when this process does
        }
    }
}
