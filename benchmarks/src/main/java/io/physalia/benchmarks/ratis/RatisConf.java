package io.physalia.benchmarks.ratis;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * How the Ratis peers and clients are configured, in one place, so the comparison's terms are
 * visible: gRPC transport (Ratis's main one; its Netty server answers client requests
 * synchronously on its event loops, which serialises concurrent writes), log on disk forced on every flush (Ratis's default, stated here),
 * linearizable reads with the leader lease (as Physalia's leader answers reads under its lease),
 * small preallocation (Ratis preallocates 4 MB per group's segment by default, which thousands
 * of groups cannot afford on one disk).
 */
public final class RatisConf {
    /** Election timeout bounds: near Physalia's 1 s leader lease and 750 ms peer liveness. */
    static final TimeDuration TIMEOUT_MIN = TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS);
    static final TimeDuration TIMEOUT_MAX = TimeDuration.valueOf(2000, TimeUnit.MILLISECONDS);

    private RatisConf() {}

    static RaftProperties server(Path dir, int port) {
        RaftProperties p = common();
        GrpcConfigKeys.Server.setHost(p, "127.0.0.1");
        GrpcConfigKeys.Server.setPort(p, port);
        RaftServerConfigKeys.setStorageDir(p, List.of(dir.toFile()));
        RaftServerConfigKeys.setRemovedGroupsDir(p, new File(dir.toFile(), "removed-groups"));
        RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, false);
        RaftServerConfigKeys.Log.setAsyncFlushEnabled(p, false);
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf("64KB"));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("8MB"));
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(p, true);
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TIMEOUT_MIN);
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TIMEOUT_MAX);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, false);
        return p;
    }

    static RaftProperties client() {
        RaftProperties p = common();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(10, TimeUnit.SECONDS));
        return p;
    }

    /** For group management: adding a group creates and syncs its storage, which takes long on a busy peer. */
    static RaftProperties adminClient() {
        RaftProperties p = common();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(60, TimeUnit.SECONDS));
        return p;
    }

    private static RaftProperties common() {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        return p;
    }
}
