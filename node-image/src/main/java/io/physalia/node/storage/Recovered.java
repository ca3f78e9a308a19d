package io.physalia.node.storage;

import io.physalia.core.paxos.DurableRecord;
import java.util.List;
import java.util.Map;

/**
 * What recovery found: the checkpoint store's state with the log tail after it replayed on top.
 *
 * @param cells             each cell's records to rebuild its replica from (its checkpoint, then the
 *                          records logged after it), starting with its Identity record
 * @param refusedCells      cells the node must not serve, with the reason (damaged records or checkpoint)
 * @param refuseAll         damage whose cell cannot be told: every cell must be refused
 * @param checkpointedCells cells loaded from the checkpoint store
 * @param logEntries        intact log entries replayed after the checkpoint
 * @param truncatedBytes    bytes of torn log tail cut off
 * @param checkpointMillis  time spent loading the checkpoints
 * @param logMillis         time spent reading the log after them
 */
public record Recovered(Map<String, List<DurableRecord>> cells, Map<String, String> refusedCells, boolean refuseAll,
                        long checkpointedCells, long logEntries, long truncatedBytes, long checkpointMillis,
                        long logMillis) {}
