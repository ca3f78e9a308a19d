package io.physalia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.Member;
import io.physalia.core.cell.NodeId;
import io.physalia.node.storage.NodeLog;
import io.vertx.core.Future;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cell whose durable records are damaged is refused, and stays refused to a join: the damaged
 * records may be those of the very member the join names, which hosted afresh would promise and
 * accept again from nothing. Only a durable drop ends the refusal, at the next start too.
 */
class RefusedCellJoinTest {
    /** Where the first entry's record starts: past the entry's fixed header and the one-byte cell name "a". */
    private static final int INSIDE_FIRST_RECORD = 10 + 1 + 9;

    @Test
    void aRefusedCellIsJoinedOnlyAfterADrop(@TempDir Path dir) throws Exception {
        KeyFile.generate(dir.resolve("key"));
        NodeConfig config = NodeRestartTest.config(dir);
        Member founding = Member.founding("n1");
        Node node = Node.start(config);
        try {
            await(node.host("a", new Configuration(List.of(founding))));
            await(node.host("b", new Configuration(List.of(founding)))); // an intact entry after a's: damage to a is mid-log
        } finally {
            node.close();
        }
        flip(firstSegment(dir.resolve("data").resolve(NodeLog.DIR_NAME)), INSIDE_FIRST_RECORD);

        Member joiner = new Member(new NodeId("n1"), 5);
        Configuration joined = new Configuration(List.of(new Member(new NodeId("n2"), 0), joiner));
        Node restarted = Node.start(config);
        try {
            assertTrue(restarted.isRefused("a"), "the damaged cell is refused");
            assertFalse(restarted.isRefused("b"));
            String why = assertThrows(ExecutionException.class, () -> await(restarted.join("a", joiner, joined))).getMessage();
            assertTrue(why.contains("refused") && why.contains("drop"), why);
            assertTrue(restarted.isRefused("a"), "a refused join leaves the refusal");
            assertFalse(restarted.hostedCells().contains("a"));

            assertTrue(await(restarted.drop("a")), "dropping a refused cell drops something");
            assertFalse(restarted.isRefused("a"));
            assertEquals(Node.HostResult.CREATED, await(restarted.join("a", joiner, joined)));
        } finally {
            restarted.close();
        }

        node = Node.start(config);
        try {
            assertFalse(node.isRefused("a"), "the damage before the drop refuses nothing at the next start");
            assertTrue(node.hostedCells().contains("a"));
            assertEquals(joiner, node.replicaStatus("a").toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS).member());
        } finally {
            node.close();
        }
    }

    @Test
    void withoutADropTheDamageRefusesTheCellAtEveryStart(@TempDir Path dir) throws Exception {
        KeyFile.generate(dir.resolve("key"));
        NodeConfig config = NodeRestartTest.config(dir);
        Node node = Node.start(config);
        try {
            await(node.host("a", new Configuration(List.of(Member.founding("n1")))));
            await(node.host("b", new Configuration(List.of(Member.founding("n1")))));
        } finally {
            node.close();
        }
        flip(firstSegment(dir.resolve("data").resolve(NodeLog.DIR_NAME)), INSIDE_FIRST_RECORD);
        for (int start = 0; start < 2; start++) {
            node = Node.start(config);
            try {
                assertTrue(node.isRefused("a"), "start " + start);
                assertFalse(node.isRefused("b"), "start " + start);
                assertTrue(node.hostedCells().contains("b"), "start " + start);
            } finally {
                node.close();
            }
        }
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static Path firstSegment(Path logDir) throws Exception {
        try (Stream<Path> files = Files.list(logDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().findFirst().orElseThrow();
        }
    }

    private static void flip(Path file, long at) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int v = f.read();
            f.seek(at);
            f.write(v ^ 0x10);
        }
    }
}
