package io.physalia.client;

/**
 * A request that did not get a final answer. {@link Failed}: it certainly did not apply (safe to
 * retry later, or to give up). {@link OutcomeUnknown}: a write that may or may not have applied;
 * retrying it with the same client id and seq is safe (the cell applies a (client, seq) once).
 */
public sealed class PhysaliaException extends Exception permits PhysaliaException.Failed, PhysaliaException.OutcomeUnknown {
    private PhysaliaException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Certainly not applied. {@code status} is the node's HTTP status when a node refused the
     * request (400: malformed, retrying will not help; 404: no such cell; 409: a stale seq), or 0
     * when no node gave a final answer (unreachable, overloaded, out of retries or retry budget).
     */
    public static final class Failed extends PhysaliaException {
        private final int status;

        public Failed(String message, Throwable cause) {
            this(message, 0, cause);
        }

        public Failed(String message, int status, Throwable cause) {
            super(message, cause);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    public static final class OutcomeUnknown extends PhysaliaException {
        private final String clientId;
        private final long seq;

        public OutcomeUnknown(String message, String clientId, long seq, Throwable cause) {
            super(message, cause);
            this.clientId = clientId;
            this.seq = seq;
        }

        public String clientId() {
            return clientId;
        }

        public long seq() {
            return seq;
        }
    }
}
