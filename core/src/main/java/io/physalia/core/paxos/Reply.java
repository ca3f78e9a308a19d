package io.physalia.core.paxos;

import io.physalia.core.cell.CommandResult;
import io.physalia.core.cell.NodeId;
import io.physalia.core.kv.TxnResult;

/** The answer to a {@link ClientRequest}. */
public sealed interface Reply
        permits Reply.Applied, Reply.ReadResult, Reply.Redirect, Reply.OutcomeUnknown, Reply.Overloaded,
                Reply.Rejected, Reply.Unavailable {
    long requestId();

    /** The command was chosen at {@code slot} and applied with this result. */
    record Applied(long requestId, CommandResult result, long slot) implements Reply {}

    /** A read, as of the state after applying every slot below {@code appliedUpTo}. */
    record ReadResult(long requestId, TxnResult result, long appliedUpTo, boolean servedLocally) implements Reply {}

    /** Not proposed: ask {@code leaderHint} (null when unknown). Safe to retry anywhere. */
    record Redirect(long requestId, NodeId leaderHint) implements Reply {}

    /** Proposed, then leadership was lost or time ran out: it may or may not apply. Retry with the same seq. */
    record OutcomeUnknown(long requestId, NodeId leaderHint) implements Reply {}

    /** The pipeline and queue are full: retry after a backoff. Not proposed. */
    record Overloaded(long requestId, long retryAfterMillis) implements Reply {}

    /** Malformed: never proposed, and retrying will not help. */
    record Rejected(long requestId, String reason) implements Reply {}

    /** This replica cannot serve it (not a member, stopped, behind the session, timed out waiting). Not applied. */
    record Unavailable(long requestId, String reason) implements Reply {}
}
