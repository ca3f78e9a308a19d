package io.physalia.simworld.net;

/**
 * What a network observer sees: every send, duplicate, delivery and drop, in order.
 * {@code reason} is set only for drops; {@code rule} names the fault rule responsible, if any.
 */
public record NetworkEvent<M>(long timeMillis, Kind kind, Delivery<M> delivery, DropReason reason, String rule) {

    public enum Kind { SENT, DUPLICATED, DELIVERED, DROPPED }

    @Override
    public String toString() {
        return timeMillis + "ms " + kind + " " + delivery.from() + "->" + delivery.to() + " " + delivery.message()
                + (reason == null ? "" : " (" + reason + (rule == null ? "" : " " + rule) + ")");
    }
}
