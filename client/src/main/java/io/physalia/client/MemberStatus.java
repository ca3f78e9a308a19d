package io.physalia.client;

import java.util.Map;

/** One member's view of its cell ({@code GET /cells/{cell}}), or why it could not be had ({@code error}). */
public record MemberStatus(String node, String http, Map<String, Object> status, String error) {}
