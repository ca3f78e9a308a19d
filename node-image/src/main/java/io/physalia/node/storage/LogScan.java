package io.physalia.node.storage;

import io.physalia.core.paxos.DurableRecord;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What reading node log segments found.
 *
 * @param cells          each intact cell's records in log order, from its latest Identity record on
 *                       (a cell whose latest entry is a drop is absent); empty when the records went to
 *                       another {@link LogRecovery.Sink}
 * @param reset          cells with an Identity record or a drop in these segments: whatever an earlier
 *                       checkpoint holds for them is superseded
 * @param damagedCells   cells with damaged records before the end of the log: they must be refused
 * @param unknownDamage  damage whose cell cannot be told: every cell must be refused
 * @param validBytes     where the intact part of the last segment ends (it is cut there)
 * @param truncatedBytes bytes of torn tail to cut off the last segment
 * @param entries        intact entries read
 */
record LogScan(Map<String, List<DurableRecord>> cells, Set<String> reset, Set<String> damagedCells,
               boolean unknownDamage, long validBytes, long truncatedBytes, long entries) {}
