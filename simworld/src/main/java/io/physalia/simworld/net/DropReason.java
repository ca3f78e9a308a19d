package io.physalia.simworld.net;

/** Why the network lost a message; counted separately so a test can tell faults apart. */
public enum DropReason {
    /** The sender was down when it sent. */
    SENDER_DOWN,
    /** The receiver was down when the message was sent. */
    RECEIVER_DOWN,
    /** The receiver crashed (or crashed and restarted) while the message was in flight. */
    RECEIVER_CRASHED,
    /** A partition separated the two nodes when the message was sent or when it arrived. */
    PARTITIONED,
    /** A DROP fault rule matched. */
    RULE
}
