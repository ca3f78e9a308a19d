package io.physalia.topology;

/**
 * One thing wrong with topology input. {@code line} is the 1-based inventory line, or 0 when
 * the input came from node labels; {@code node} is the node concerned, or empty.
 */
public record Problem(int line, String node, String message) {
    @Override
    public String toString() {
        if (line > 0) {
            return "line " + line + ": " + message;
        }
        return node.isEmpty() ? message : "node " + node + ": " + message;
    }
}
