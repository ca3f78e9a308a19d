package io.physalia.benchmarks.ratis;

import io.physalia.node.local.ChildJvm;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;

/**
 * One Ratis peer process: a RaftServer with no group at start; groups are added through
 * Ratis's group management API, and on restart it loads every group found in its storage
 * directory. Prints one line, {@code ratis peer ID ready groups=N}, once serving.
 *
 * <p>Arguments: {@code ID PORT DIR PARENT_PID}.
 */
public final class RatisPeerMain {
    private RatisPeerMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: RatisPeerMain ID PORT DIR PARENT_PID");
            System.exit(2);
        }
        String id = args[0];
        int port = Integer.parseInt(args[1]);
        Path dir = Path.of(args[2]);
        ChildJvm.watchParent(Long.parseLong(args[3]), () -> Runtime.getRuntime().halt(0));
        RaftServer server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(id))
                .setProperties(RatisConf.server(dir, port))
                .setGroup(RaftGroup.emptyGroup())
                .setOption(RaftStorage.StartupOption.RECOVER)
                .setStateMachineRegistry(group -> new KvStateMachine())
                .build();
        server.start();
        int groups = 0;
        for (Object g : server.getGroupIds()) {
            groups++;
        }
        System.out.println("ratis peer " + id + " ready groups=" + groups);
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
