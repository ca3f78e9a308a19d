package io.physalia.core.cell;

import io.physalia.core.Utf8;
import io.physalia.core.kv.TransactionValidator;
import java.util.Optional;

/**
 * Rejects malformed commands before they are proposed, with the reason. The state machine
 * validates again when applying (a command from a newer or buggy proposer is never
 * half-applied), so this is a courtesy to clients, not the line of defence.
 */
public final class CommandValidator {
    private CommandValidator() {}

    public static Optional<String> validate(Command c, CellLimits limits) {
        if (c == null) {
            return Optional.of("command is missing");
        }
        Optional<String> session = name("clientId", c.clientId(), limits, true);
        if (session.isPresent()) {
            return session;
        }
        if (!c.clientId().isEmpty() && c.seq() < 1) {
            return Optional.of("seq must be >= 1 when clientId is set, was " + c.seq());
        }
        return switch (c) {
            case Command.ClientTxn t -> t.txn() == null
                    ? Optional.of("transaction is missing")
                    : TransactionValidator.validate(t.txn(), limits.data());
            case Command.LeaseAcquire a -> firstOf(
                    name("lease", a.lease(), limits, false),
                    name("holder", a.holder(), limits, false),
                    a.durationMillis() < 1 || a.durationMillis() > limits.maxLeaseMillis()
                            ? Optional.of("lease duration must be in [1, " + limits.maxLeaseMillis() + "] ms, was "
                                    + a.durationMillis())
                            : Optional.empty(),
                    a.takeoverVersion() < 0 ? Optional.of("takeoverVersion must be >= 0") : Optional.empty());
            case Command.LeaseRenew r -> firstOf(name("lease", r.lease(), limits, false),
                    name("holder", r.holder(), limits, false), token(r.token()));
            case Command.LeaseRelease r -> firstOf(name("lease", r.lease(), limits, false),
                    name("holder", r.holder(), limits, false), token(r.token()));
            case Command.AddMember m -> m.node() == null
                    ? Optional.of("node is missing")
                    : name("node", m.node().name(), limits, false);
            case Command.RemoveMember m -> m.member() == null || m.member().node() == null
                    ? Optional.of("member is missing")
                    : name("node", m.member().node().name(), limits, false);
        };
    }

    /** Validates a whole batch the way the state machine will, command by command. */
    public static Optional<String> validate(Batch b, CellLimits limits) {
        if (b == null) {
            return Optional.of("batch is missing");
        }
        if (b.commands().size() > limits.maxCommandsPerBatch()) {
            return Optional.of("batch has " + b.commands().size() + " commands, limit " + limits.maxCommandsPerBatch());
        }
        return Optional.empty();
    }

    private static Optional<String> token(long token) {
        return token < 1 ? Optional.of("token must be >= 1, was " + token) : Optional.empty();
    }

    private static Optional<String> name(String what, String s, CellLimits limits, boolean mayBeEmpty) {
        if (s == null) {
            return Optional.of(what + " is missing");
        }
        if (s.isEmpty() && !mayBeEmpty) {
            return Optional.of(what + " must not be empty");
        }
        int unpaired = Utf8.firstUnpairedSurrogate(s);
        if (unpaired >= 0) {
            return Optional.of(what + " has an unpaired surrogate at index " + unpaired + " (not valid UTF-8)");
        }
        if (Utf8.encodedLength(s) > limits.maxNameBytes()) {
            return Optional.of(what + " is longer than " + limits.maxNameBytes() + " bytes");
        }
        return Optional.empty();
    }

    @SafeVarargs
    private static Optional<String> firstOf(Optional<String>... checks) {
        for (Optional<String> c : checks) {
            if (c.isPresent()) {
                return c;
            }
        }
        return Optional.empty();
    }
}
