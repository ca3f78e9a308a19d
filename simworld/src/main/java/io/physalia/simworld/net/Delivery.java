package io.physalia.simworld.net;

/** One message on its way from one node to another (or arriving there). */
public record Delivery<M>(String from, String to, M message) {}
