package io.physalia.node.storage;

import io.physalia.core.paxos.DurableRecord;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What recovery found in a node log.
 *
 * @param cells          each intact cell's records in log order, from its latest Identity record on
 * @param refusedCells   cells with damage before the end of the log: the node must not serve them
 * @param refuseAll      damage whose cell cannot be known: every cell must be refused
 * @param validBytes     where the intact log ends (the file was truncated here)
 * @param truncatedBytes bytes of torn tail cut off
 * @param entries        intact entries read
 */
public record Recovered(Map<String, List<DurableRecord>> cells, Set<String> refusedCells, boolean refuseAll,
                        long validBytes, long truncatedBytes, long entries) {}
