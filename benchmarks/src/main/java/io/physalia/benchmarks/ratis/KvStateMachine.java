package io.physalia.benchmarks.ratis;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The Ratis side's state machine: a key-value map, the same shape of work as a Physalia cell's
 * put and get (no snapshots; a restarted peer replays its log). Messages are
 * {@link KvMessages}.
 */
final class KvStateMachine extends BaseStateMachine {
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final Map<ByteString, ByteString> data = new ConcurrentHashMap<>();

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        ByteString m = entry.getStateMachineLogEntry().getLogData();
        KvMessages.Put put = KvMessages.parsePut(m);
        if (put != null) {
            data.put(put.key(), put.value());
        }
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        return CompletableFuture.completedFuture(Message.valueOf(put != null ? KvMessages.OK : KvMessages.BAD));
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        ByteString key = KvMessages.parseGet(request.getContent());
        if (key == null) {
            return CompletableFuture.completedFuture(Message.valueOf(KvMessages.BAD));
        }
        ByteString v = data.get(key);
        return CompletableFuture.completedFuture(Message.valueOf(v == null ? ByteString.EMPTY : v));
    }

    @Override
    public CompletableFuture<Message> queryStale(Message request, long minIndex) {
        return query(request);
    }
}
