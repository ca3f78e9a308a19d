package io.physalia.simworld.cell;

import io.physalia.core.paxos.DurableRecord;

/** A replica's durable record on a node's shared disk, tagged with its cell. */
public record CellRecord(String cell, DurableRecord record) {}
