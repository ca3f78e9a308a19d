package io.physalia.simworld.cell;

import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.paxos.Reply;

/** What travels on the simulated network: replica messages, node pings and client traffic. */
public sealed interface Packet permits Packet.Cell, Packet.Frame, Packet.Ping, Packet.Request, Packet.Response {

    /** A message between two replicas of a cell. */
    record Cell(Envelope envelope) implements Packet {}

    /** The same message as the nodes really send it: an HMAC-signed wire frame. */
    record Frame(byte[] bytes) implements Packet {
        @Override
        public String toString() {
            return "Frame[" + bytes.length + " bytes]";
        }
    }

    /** Node-pair liveness (one per node pair, never per cell). */
    record Ping() implements Packet {}

    record Request(String cell, ClientRequest request) implements Packet {}

    record Response(Reply reply) implements Packet {}
}
