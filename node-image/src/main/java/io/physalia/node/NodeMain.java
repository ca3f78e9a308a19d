package io.physalia.node;

import io.physalia.node.local.ChildJvm;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/** Entry point of one node process. Quiet by default: warnings and one start line. */
public final class NodeMain {
    private NodeMain() {}

    public static void main(String[] args) throws Exception {
        quietLogging();
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(NodeConfig.USAGE);
            return;
        }
        NodeConfig config;
        try {
            config = NodeConfig.parse(args);
        } catch (NodeConfig.BadConfig e) {
            System.err.println("physalia-node: " + e.getMessage().replace("\n", "\nphysalia-node: "));
            System.err.println(NodeConfig.USAGE);
            System.exit(2);
            return;
        }
        Node node;
        try {
            node = Node.start(config);
        } catch (Exception e) {
            System.err.println("physalia-node " + config.name() + ": failed to start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "physalia-shutdown"));
        ChildJvm.watchParent(config.parentPid(), () -> System.exit(0)); // stop cleanly through the shutdown hook
        System.out.printf("physalia node %s started: http=http://%s:%d peer=%s:%d data=%s cells=%d peers=%s%n",
                config.name(), config.bindHost(), config.httpPort(), config.bindHost(), config.peerPort(),
                config.dataDir().toAbsolutePath(), node.cellCount(), config.peers().keySet());
        System.out.flush();
        stopped.await();
    }

    static void quietLogging() {
        if (System.getProperty("java.util.logging.config.file") == null) {
            LogManager.getLogManager().reset();
            Logger root = Logger.getLogger("");
            java.util.logging.ConsoleHandler h = new java.util.logging.ConsoleHandler();
            h.setLevel(Level.WARNING);
            h.setFormatter(new java.util.logging.SimpleFormatter() {
                @Override
                public String format(java.util.logging.LogRecord r) {
                    return String.format("%1$tFT%1$tT.%1$tLZ %2$s %3$s %4$s%n", r.getMillis(), r.getLevel(),
                            r.getLoggerName(), formatMessage(r)) + (r.getThrown() == null ? "" : r.getThrown() + "\n");
                }
            });
            root.addHandler(h);
            root.setLevel(Level.WARNING);
        }
    }
}
