package io.physalia.core.paxos;

import io.physalia.core.cell.Member;

/** A message between two members of one cell. */
public record Envelope(String cell, Member from, Member to, Message message) {}
