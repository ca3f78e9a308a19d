package io.physalia.controlplane;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How different the nodes' mixes of cells are. For every pair of nodes that share at least one
 * cell: how many cells they share. Low sharing means one node's trouble (a bad disk, a poison
 * pill, load) reaches few cells through the same partners. Also counts cells whose member set
 * exactly repeats another cell's, and the spread of replicas per node.
 */
public record OverlapStats(int cells, long sharingPairs, int maxShared, double meanShared, int identicalMemberSets,
        int minReplicasPerNode, int maxReplicasPerNode) {

    public static OverlapStats of(Fleet fleet) {
        Map<Long, Integer> pairs = new HashMap<>();
        Set<List<Integer>> sets = new HashSet<>();
        int identical = 0;
        for (Cell c : fleet.cells()) {
            List<Node> m = c.members();
            int[] idx = new int[m.size()];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = m.get(i).index();
            }
            Arrays.sort(idx);
            if (!sets.add(Arrays.stream(idx).boxed().toList())) {
                identical++;
            }
            for (int i = 0; i < idx.length; i++) {
                for (int j = i + 1; j < idx.length; j++) {
                    pairs.merge(((long) idx[i] << 32) | idx[j], 1, Integer::sum);
                }
            }
        }
        int max = 0;
        long sum = 0;
        for (int v : pairs.values()) {
            max = Math.max(max, v);
            sum += v;
        }
        int minR = Integer.MAX_VALUE;
        int maxR = 0;
        for (Node n : fleet.nodes()) {
            minR = Math.min(minR, n.hostedReplicas());
            maxR = Math.max(maxR, n.hostedReplicas());
        }
        return new OverlapStats(fleet.cells().size(), pairs.size(), max, pairs.isEmpty() ? 0 : (double) sum / pairs.size(),
                identical, fleet.nodes().isEmpty() ? 0 : minR, maxR);
    }

    @Override
    public String toString() {
        return String.format("%d cells; %d node pairs share cells; shared cells per pair: max %d, mean %.2f;"
                + " %d cells repeat another's member set; replicas per node %d..%d", cells, sharingPairs, maxShared,
                meanShared, identicalMemberSets, minReplicasPerNode, maxReplicasPerNode);
    }
}
