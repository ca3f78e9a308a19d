package io.physalia.simworld.linearizability;

/** Operations of the test map model. Every output is a Long: the value written, read or reached. */
sealed interface KvOp {
    String key();

    record Put(String key, long value) implements KvOp {
        @Override
        public String toString() {
            return "put(" + key + "," + value + ")";
        }
    }

    record Get(String key) implements KvOp {
        @Override
        public String toString() {
            return "get(" + key + ")";
        }
    }

    record Increment(String key, long by) implements KvOp {
        @Override
        public String toString() {
            return "inc(" + key + "," + by + ")";
        }
    }
}
