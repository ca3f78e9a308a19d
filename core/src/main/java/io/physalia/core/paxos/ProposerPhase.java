package io.physalia.core.paxos;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.Member;
import io.physalia.core.paxos.Message.AcceptedEntry;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the distinguished proposer is doing. Each phase holds only the state it has; the
 * {@link Proposer} enters each through one {@code become...} method that checks the phase's
 * invariants on entry.
 */
sealed interface ProposerPhase permits ProposerPhase.Follower, ProposerPhase.Candidate, ProposerPhase.Leader {

    /** "No backoff": earlier than any clock reading. */
    long NO_BACKOFF = Long.MIN_VALUE;

    /** The ballot this phase campaigns or leads with; a follower's is the last one it tried. */
    Ballot ballot();

    /**
     * Neither campaigning nor leading. A follower that stepped down while backing off still
     * waits out that backoff (with its refused ballot) before it campaigns again.
     */
    record Follower(Ballot ballot, long backoffUntilMillis) implements ProposerPhase {
        static final Follower INITIAL = new Follower(Ballot.ZERO, NO_BACKOFF);
    }

    /**
     * Running phase 1 with {@link #ballot}, or, when {@link #backingOff}, refused and waiting
     * until {@link #backoffUntilMillis} to campaign again with a higher ballot (its promises
     * then stay empty: answers to the refused ballot no longer count).
     */
    final class Candidate implements ProposerPhase {
        final Ballot ballot;
        final boolean backingOff;
        final long backoffUntilMillis;
        final Map<Member, Message.Promise> promises = new TreeMap<>();
        /** The highest-ballot value reported per open slot. */
        final TreeMap<Long, AcceptedEntry> recovered = new TreeMap<>();
        long lastPrepareAtMillis;

        private Candidate(Ballot ballot, boolean backingOff, long backoffUntilMillis) {
            this.ballot = ballot;
            this.backingOff = backingOff;
            this.backoffUntilMillis = backoffUntilMillis;
        }

        static Candidate campaigning(Ballot ballot, long backoffUntilMillis) {
            return new Candidate(ballot, false, backoffUntilMillis);
        }

        static Candidate backingOff(Ballot refused, long backoffUntilMillis) {
            return new Candidate(refused, true, backoffUntilMillis);
        }

        @Override
        public Ballot ballot() {
            return ballot;
        }

        void recover(AcceptedEntry e) {
            AcceptedEntry cur = recovered.get(e.slot());
            if (cur == null || e.ballot().isAfter(cur.ballot())) {
                recovered.put(e.slot(), e);
            }
        }
    }

    /**
     * Leading with {@link #ballot}: a quorum of each configuration around its first slot
     * promised it. Proposes from {@link #nextSlot}, recovered values first (below
     * {@link #recoveryEnd}), with at most alpha slots {@link #inFlight}.
     */
    final class Leader implements ProposerPhase {
        final Ballot ballot;
        final Map<Member, Message.Promise> promises; // grows as new members promise
        final TreeMap<Long, AcceptedEntry> recovered;
        long recoveryEnd;
        long nextSlot;
        final TreeMap<Long, InFlight> inFlight = new TreeMap<>();
        /** Chosen slots not yet applied here, with the clients waiting for them. */
        final TreeMap<Long, List<Waiter>> pendingWaiters = new TreeMap<>();
        long leaseUntilMillis;
        Configuration leaseConfig;
        long lastPrepareAtMillis;
        boolean awaitingNewMembers; // pump stopped at a configuration whose quorum has not promised

        Leader(Candidate won, long firstSlot) {
            this.ballot = won.ballot;
            this.promises = won.promises;
            this.recovered = won.recovered;
            this.lastPrepareAtMillis = won.lastPrepareAtMillis;
            this.nextSlot = firstSlot;
            recovered.headMap(firstSlot).clear();
            this.recoveryEnd = recovered.isEmpty() ? firstSlot : recovered.lastKey() + 1;
        }

        @Override
        public Ballot ballot() {
            return ballot;
        }

        void recover(AcceptedEntry e) {
            if (e.slot() < nextSlot) {
                return; // already proposed under this ballot, safely, from an earlier quorum
            }
            AcceptedEntry cur = recovered.get(e.slot());
            if (cur == null || e.ballot().isAfter(cur.ballot())) {
                recovered.put(e.slot(), e);
            }
            recoveryEnd = Math.max(recoveryEnd, e.slot() + 1);
        }
    }

    /** A client waiting for command {@code index} of a proposed batch. */
    record Waiter(long requestId, int index, boolean isRead, long deadlineMillis) {}

    /** A slot proposed under the leader's ballot and not yet chosen. */
    final class InFlight {
        final Batch value;
        final List<Waiter> waiters;
        final Set<Member> votes = new HashSet<>();
        final long firstSentAtMillis;
        long lastSentAtMillis;

        InFlight(Batch value, List<Waiter> waiters, long nowMillis) {
            this.value = value;
            this.waiters = waiters;
            this.firstSentAtMillis = nowMillis;
            this.lastSentAtMillis = nowMillis;
        }
    }
}
