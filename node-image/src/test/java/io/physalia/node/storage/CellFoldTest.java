package io.physalia.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.paxos.DurableRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint (the fold of a prefix of a replica's records) followed by the rest of the records
 * must recover exactly the replica the whole history recovers, wherever the prefix ends.
 */
class CellFoldTest {

    private static List<DurableRecord> compactThenRest(List<DurableRecord> history, int cut) {
        CellFold fold = CellFold.of("c", history.subList(0, cut));
        List<DurableRecord> out = new ArrayList<>(fold.compact(Histories.CONFIG));
        List<DurableRecord> rest = history.subList(cut, history.size());
        boolean restartsLater = rest.stream().anyMatch(r -> r instanceof DurableRecord.Identity);
        out.addAll(rest);
        return restartsLater ? Histories.fromLatestIdentity(out) : out;
    }

    @Test
    void aCheckpointPlusTheRestRecoversTheSameReplicaAsTheWholeHistory() {
        int histories = Integer.getInteger("physalia.foldHistories", 300);
        int checked = 0;
        int withState = 0;
        for (int seed = 0; seed < histories; seed++) {
            Random random = new Random(seed);
            Histories.Chain chain = new Histories.Chain("c", 40, random);
            List<DurableRecord> history = Histories.randomHistory(chain, 20 + random.nextInt(120), random);
            Histories.Recovery whole = Histories.recover(Histories.fromLatestIdentity(history));
            assertNull(whole.failure(), "seed " + seed + ": the whole history must recover");
            if (whole.appliedUpTo() > 0) {
                withState++;
            }
            for (int cut = 1; cut <= history.size(); cut++) {
                Histories.Recovery viaCheckpoint = Histories.recover(compactThenRest(history, cut));
                assertEquals(whole, viaCheckpoint, "seed " + seed + ", checkpoint after record " + cut);
                checked++;
            }
        }
        assertTrue(withState > histories / 2, "most histories should have applied something: " + withState);
        assertTrue(checked > histories * 20);
    }

    @Test
    void checkpointsOfCheckpointsStayEquivalent() {
        for (int seed = 0; seed < 100; seed++) {
            Random random = new Random(1000 + seed);
            Histories.Chain chain = new Histories.Chain("c", 40, random);
            List<DurableRecord> history = Histories.randomHistory(chain, 150, random);
            List<DurableRecord> state = List.of();
            int at = 0;
            while (at < history.size()) {
                int next = Math.min(history.size(), at + 1 + random.nextInt(30));
                List<DurableRecord> in = new ArrayList<>(state);
                in.addAll(history.subList(at, next));
                state = CellFold.of("c", in).compact(Histories.CONFIG);
                at = next;
                assertEquals(Histories.recover(Histories.fromLatestIdentity(history.subList(0, at))),
                        Histories.recover(state), "seed " + seed + " after " + at + " records");
            }
        }
    }

    @Test
    void foldingAsRecordsArriveGivesTheSameCheckpoint() {
        for (int seed = 0; seed < 60; seed++) {
            Random random = new Random(5000 + seed);
            Histories.Chain chain = new Histories.Chain("c", 300, random);
            List<DurableRecord> history = Histories.busyHistory(chain, 300 + random.nextInt(600), random);
            CellFold eager = new CellFold("c");
            for (int i = 0; i < history.size(); i++) {
                eager.add(history.get(i));
                eager.foldIfLarge(Histories.CONFIG); // what a checkpoint does while it reads segments
                if (i % 97 == 0 || i == history.size() - 1) {
                    assertEquals(Histories.recover(Histories.fromLatestIdentity(history.subList(0, i + 1))),
                            Histories.recover(CellFold.of("c", eager.compact(Histories.CONFIG)).compact(Histories.CONFIG)),
                            "seed " + seed + " after " + (i + 1) + " records");
                }
            }
        }
    }

    @Test
    void theCheckpointIsSmallAndFoldsChosenValuesIntoOneSnapshot() {
        Random random = new Random(7);
        Histories.Chain chain = new Histories.Chain("c", 200, random);
        List<DurableRecord> history = new ArrayList<>();
        history.add(new DurableRecord.Identity("c", io.physalia.core.cell.Member.founding("n1"), Histories.MEMBERS));
        for (int s = 0; s < 200; s++) {
            history.add(new DurableRecord.AcceptedValue(s, new io.physalia.core.paxos.Ballot(1,
                    io.physalia.core.cell.Member.founding("n2")), chain.batches.get(s)));
            history.add(new DurableRecord.Chosen(s, chain.batches.get(s)));
        }
        List<DurableRecord> compact = CellFold.of("c", history).compact(Histories.CONFIG);
        assertEquals(3, compact.size(), "identity, snapshot, promise: " + compact);
        DurableRecord.Snapshot snap = (DurableRecord.Snapshot) compact.get(1);
        assertEquals(200, snap.snapshot().appliedUpTo());
        assertEquals(chain.snapshots.get(200), snap.snapshot());
        assertEquals(Histories.recover(history), Histories.recover(compact));
    }

    @Test
    void recordsWithoutAnIdentityAreRefusedNotGuessed() {
        CellFold fold = CellFold.of("c", List.of(new DurableRecord.Promised(Histories.randomBallot(new Random(1)))));
        assertNotNull(fold.refusal());
        fold.add(new DurableRecord.Identity("c", io.physalia.core.cell.Member.founding("n1"), Histories.MEMBERS));
        assertNull(fold.refusal(), "a new incarnation starts clean");
        assertEquals(1, fold.compact(Histories.CONFIG).size());
    }
}
