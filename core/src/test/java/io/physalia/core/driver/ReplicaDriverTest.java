package io.physalia.core.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.Invariants;
import io.physalia.core.cell.Command;
import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.Member;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.Transaction;
import io.physalia.core.kv.Value;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.Context;
import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.paxos.Message;
import io.physalia.core.paxos.Replica;
import io.physalia.core.paxos.ReplicaConfig;
import io.physalia.core.paxos.ReplicaObserver;
import io.physalia.core.paxos.Reply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The driver rule on real replicas of a three-member cell, with ports that record what the
 * driver asks for and let the test decide when records become durable.
 */
class ReplicaDriverTest {
    private static final List<String> NODES = List.of("a", "b", "c");

    /** One member's ports: what it persisted (not yet durable), sent, and its timer calls. */
    private final class Ports implements Durability, Outbox, Timers {
        final List<Long> pendingTickets = new ArrayList<>();
        final List<DurableRecord> records = new ArrayList<>();
        final List<Envelope> sent = new ArrayList<>();
        final List<Long> scheduled = new ArrayList<>();
        int cancels;
        boolean diskFull;
        ReplicaDriver driver;

        @Override
        public boolean persist(List<DurableRecord> rs, long ticket) {
            if (diskFull) {
                return false;
            }
            records.addAll(rs);
            pendingTickets.add(ticket);
            return true;
        }

        @Override
        public void send(Envelope e) {
            sent.add(e);
        }

        @Override
        public void schedule(long delayMillis) {
            scheduled.add(delayMillis);
        }

        @Override
        public void cancel() {
            cancels++;
        }

        /** Syncs: every pending ticket is durable (reported once, for the last: durability is a prefix). */
        void sync() {
            if (!pendingTickets.isEmpty()) {
                long last = pendingTickets.get(pendingTickets.size() - 1);
                pendingTickets.clear();
                driver.durable(last, ctx());
            }
        }
    }

    private final Map<String, Ports> ports = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private final Random random = new Random(7);
    private long nowMillis = 1_000;

    ReplicaDriverTest() {
        List<Member> members = NODES.stream().map(Member::founding).toList();
        Configuration config = new Configuration(members);
        for (Member m : members) {
            Ports p = new Ports();
            Replica r = Replica.create(ReplicaConfig.DEFAULT, "cell-1", m, config, ReplicaObserver.NONE);
            p.driver = new ReplicaDriver(r, p, p, p, failures::add);
            p.driver.persistIdentity(() -> { });
            p.sync();
            ports.put(m.node().name(), p);
        }
    }

    private Context ctx() {
        return new Context(nowMillis, random, peer -> true);
    }

    private ReplicaDriver driver(String node) {
        return ports.get(node).driver;
    }

    private static ClientRequest.Submit put(long id, String key) {
        Transaction txn = new Transaction(List.of(), List.of(new Op.Put(key, Value.ofUtf8("v"))));
        return new ClientRequest.Submit(id, new Command.ClientTxn("client-1", id, txn));
    }

    private static ClientRequest.Read eventualRead(long id, String key) {
        return new ClientRequest.Read(id, new Transaction(List.of(), List.of(new Op.Get(key))),
                ClientRequest.ReadMode.EVENTUAL, 0);
    }

    /** Syncs every disk and delivers every sent message, until nothing moves. */
    private void settle() {
        for (int round = 0; round < 100; round++) {
            boolean moved = false;
            for (Ports p : ports.values()) {
                moved |= !p.pendingTickets.isEmpty();
                p.sync();
            }
            for (Ports p : ports.values()) {
                List<Envelope> out = new ArrayList<>(p.sent);
                p.sent.clear();
                for (Envelope e : out) {
                    moved = true;
                    driver(e.to().node().name()).onMessage(e, ctx());
                }
            }
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("the cell did not settle in 100 rounds");
    }

    @Test
    void messagesWaitUntilTheRecordsOfTheirStepAreDurable() {
        Ports a = ports.get("a");
        List<Reply> answers = new ArrayList<>();
        driver("a").onClientRequest(put(1, "k"), answers::add, ctx()); // a starts an election: it promises itself
        assertFalse(a.pendingTickets.isEmpty(), "the step wrote its own promise");
        assertTrue(a.sent.isEmpty(), "nothing leaves before the promise is durable");
        assertEquals(1, driver("a").heldSteps());
        a.sync();
        assertFalse(a.sent.isEmpty(), "the prepares leave once it is durable");
        assertEquals(0, driver("a").heldSteps());
        settle();
        assertEquals(1, answers.size());
        assertInstanceOf(Reply.Applied.class, answers.get(0));
        assertTrue(failures.isEmpty(), failures.toString());
    }

    /**
     * The leader's Accepts leave while its own AcceptedValue record syncs, its own vote counts
     * only once that record is durable, and the reply to the write leaves with the Commit,
     * without waiting for the Chosen record.
     */
    @Test
    void theLeadersOwnWriteRunsInParallelWithItsAcceptsAndTheReplyDoesNotWaitForTheChosenRecord() {
        Ports a = ports.get("a");
        Ports b = ports.get("b");
        Ports c = ports.get("c");
        driver("a").onClientRequest(put(1, "k"), r -> { }, ctx());
        settle(); // a leads, slot 0 chosen
        List<Reply> answers = new ArrayList<>();
        driver("a").onClientRequest(put(2, "k"), answers::add, ctx());
        assertEquals(1, a.pendingTickets.size(), "a wrote its own vote for slot 1");
        List<Envelope> accepts = new ArrayList<>(a.sent);
        a.sent.clear();
        assertEquals(2, accepts.size(), "both Accepts left before a's record is durable: " + accepts);
        assertTrue(accepts.stream().allMatch(e -> e.message() instanceof Message.Accept));

        // b votes; with a's own vote not yet durable, b alone is no quorum of 3
        Envelope toB = accepts.stream().filter(e -> e.to().node().name().equals("b")).findFirst().orElseThrow();
        driver("b").onMessage(toB, ctx());
        b.sync();
        Envelope bVote = b.sent.removeFirst();
        assertInstanceOf(Message.Accepted.class, bVote.message());
        driver("a").onMessage(bVote, ctx());
        assertTrue(answers.isEmpty(), "one durable vote of three is not a quorum");
        assertTrue(a.sent.isEmpty(), "no Commit yet");

        // a's own record becomes durable: its vote counts, the slot is chosen
        a.sync();
        assertEquals(1, answers.size(), "the reply left once a quorum's votes were durable");
        assertInstanceOf(Reply.Applied.class, answers.get(0));
        assertEquals(1, a.pendingTickets.size(), "the Chosen record is still syncing");
        assertTrue(a.sent.stream().anyMatch(e -> e.message() instanceof Message.Commit), "the Commit left with the reply");
        assertTrue(c.sent.isEmpty());
        settle();
        assertTrue(failures.isEmpty(), failures.toString());
    }

    @Test
    void aStepThatWroteNothingStillWaitsBehindTheRecordsWrittenBeforeIt() {
        Ports a = ports.get("a");
        Ports b = ports.get("b");
        driver("a").onClientRequest(put(1, "k"), r -> { }, ctx());
        a.sync();
        Envelope prepare = a.sent.stream().filter(e -> e.to().node().name().equals("b")).findFirst().orElseThrow();
        driver("b").onMessage(prepare, ctx());
        assertEquals(1, b.pendingTickets.size(), "b wrote its promise");
        assertTrue(b.sent.isEmpty());
        List<Reply> read = new ArrayList<>();
        driver("b").onClientRequest(eventualRead(9, "k"), read::add, ctx());
        assertEquals(1, b.pendingTickets.size(), "an eventual read writes nothing");
        assertTrue(read.isEmpty(), "but its reply waits behind the promise written before it");
        assertEquals(2, driver("b").heldSteps());
        b.sync();
        assertEquals(1, b.sent.size(), "the promise");
        assertInstanceOf(Reply.ReadResult.class, read.get(0));
    }

    @Test
    void heldStepsAreReleasedInTheOrderTheyWereProduced() {
        Ports b = ports.get("b");
        Ports a = ports.get("a");
        driver("a").onClientRequest(put(1, "k"), r -> { }, ctx());
        a.sync();
        Envelope prepare = a.sent.stream().filter(e -> e.to().node().name().equals("b")).findFirst().orElseThrow();
        List<String> released = new ArrayList<>();
        driver("b").onMessage(prepare, ctx());
        driver("b").onClientRequest(eventualRead(8, "k"), r -> released.add("read 8"), ctx());
        driver("b").onClientRequest(eventualRead(9, "k"), r -> released.add("read 9"), ctx());
        long promiseTicket = b.pendingTickets.get(0);
        b.pendingTickets.clear();
        driver("b").durable(promiseTicket, ctx());
        assertEquals(List.of("read 8", "read 9"), released, "released in the order the steps produced them");
        assertEquals(0, driver("b").heldSteps());
    }

    @Test
    void theTimerIsReplacedOnlyWhenTheWakeupTimeChangesAndCancelledWhenIdle() {
        Ports a = ports.get("a");
        driver("a").onClientRequest(put(1, "k"), r -> { }, ctx());
        assertEquals(1, a.scheduled.size(), "a candidate waits for promises: one timer");
        assertTrue(a.scheduled.get(0) >= 1);
        assertTrue(driver("a").hasTimer());
        driver("a").onClientRequest(put(2, "k"), r -> { }, ctx()); // same instant, same wakeup
        assertEquals(1, a.scheduled.size(), "an unchanged wakeup keeps the timer it has");
        assertEquals(0, a.cancels);
        settle();
        // once everything is chosen and answered the leader's wakeups end; fire timers until idle
        for (int i = 0; i < 1_000 && driver("a").hasTimer(); i++) {
            nowMillis += 100;
            driver("a").onWakeup(ctx());
            settle();
        }
        assertFalse(driver("a").hasTimer(), "an idle replica holds no timer");
        assertTrue(a.cancels + a.scheduled.size() >= 1);
    }

    @Test
    void repliesGoOnlyToTheirOwnCallerAndAForgottenCallerGetsNone() {
        List<Reply> first = new ArrayList<>();
        List<Reply> second = new ArrayList<>();
        driver("a").onClientRequest(put(1, "k1"), first::add, ctx());
        driver("a").onClientRequest(put(2, "k2"), second::add, ctx());
        driver("a").forget(2);
        settle();
        assertEquals(1, first.size());
        assertEquals(1, first.get(0).requestId());
        assertTrue(second.isEmpty(), "a forgotten caller is not answered");
        assertEquals(0, driver("a").waitingCallers());
    }

    @Test
    void stoppingAnswersEveryWaitingCallerAndReleasesNothingMore() {
        Ports a = ports.get("a");
        List<Reply> write = new ArrayList<>();
        List<Reply> read = new ArrayList<>();
        driver("a").onClientRequest(put(1, "k"), write::add, ctx());
        driver("a").onClientRequest(new ClientRequest.Read(2, new Transaction(List.of(), List.of(new Op.Get("k"))),
                ClientRequest.ReadMode.LINEARIZABLE, 0), read::add, ctx());
        driver("a").stop();
        assertInstanceOf(Reply.OutcomeUnknown.class, write.get(0), "a write may have been proposed");
        assertInstanceOf(Reply.Unavailable.class, read.get(0), "a read never applied");
        assertFalse(driver("a").hasTimer());
        a.sync();
        assertTrue(a.sent.isEmpty(), "output held for durability is never released after a stop");
        List<Reply> late = new ArrayList<>();
        driver("a").onClientRequest(put(3, "k"), late::add, ctx());
        assertInstanceOf(Reply.Unavailable.class, late.get(0));
        assertEquals(1, write.size());
    }

    @Test
    void recordsTheDiskRefusesHaltTheDriverBeforeAnythingLeaves() {
        Ports a = ports.get("a");
        a.diskFull = true;
        List<Reply> answers = new ArrayList<>();
        driver("a").onClientRequest(put(1, "k"), answers::add, ctx());
        assertTrue(driver("a").isStopped());
        assertTrue(a.sent.isEmpty());
        assertTrue(answers.isEmpty(), "a node going down answers nothing");
        assertFalse(driver("a").hasTimer());
    }

    @Test
    void aTicketNeverIssuedIsAContractViolation() {
        assertThrows(Invariants.InvariantViolation.class, () -> driver("a").durable(5, ctx()));
    }
}
