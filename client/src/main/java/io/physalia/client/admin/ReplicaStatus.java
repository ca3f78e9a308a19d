package io.physalia.client.admin;

import io.physalia.client.Json;
import io.physalia.core.cell.Member;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One replica as its node reports it ({@code GET /admin/cells/C}, docs/node.md).
 *
 * @param member this replica's membership ({@code node@incarnation})
 * @param appliedUpTo the highest slot applied here
 * @param leader whether this replica leads the cell now
 * @param leaderHint the node this replica believes leads, or null
 * @param epoch the first slot of the latest configuration this replica knows (-1 if the node did not say)
 * @param configuration the latest configuration this replica knows
 * @param stopped why the replica stopped (a failed invariant), or null while it runs
 */
public record ReplicaStatus(String cell, String node, Member member, long appliedUpTo, boolean leader, String leaderHint,
        long epoch, List<Member> configuration, String stopped) {

    public ReplicaStatus {
        configuration = List.copyOf(configuration);
    }

    /** Reads the node's answer; throws {@link IllegalArgumentException} naming a field that is missing or wrong. */
    public static ReplicaStatus fromJson(Map<String, Object> o) {
        String member = Json.string(o, "member");
        if (member == null || !(o.get("appliedUpTo") instanceof Number)) {
            throw new IllegalArgumentException("a replica status needs 'member' and 'appliedUpTo': " + o);
        }
        return new ReplicaStatus(Json.string(o, "cell"), Json.string(o, "node"), Member.parse(member),
                Json.number(o, "appliedUpTo", -1), Json.bool(o, "leader"), Json.string(o, "leaderHint"),
                Json.number(o, "epoch", -1), members(Json.list(o, "configuration")), Json.string(o, "stopped"));
    }

    /** The form the node writes and {@link #fromJson} reads: members as {@code node@incarnation}. */
    public Map<String, Object> toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("cell", cell);
        o.put("node", node);
        o.put("member", member.text());
        o.put("appliedUpTo", appliedUpTo);
        o.put("leader", leader);
        o.put("leaderHint", leaderHint);
        o.put("epoch", epoch);
        o.put("configuration", configuration.stream().map(Member::text).toList());
        o.put("stopped", stopped);
        return o;
    }

    static List<Member> members(List<Object> texts) {
        List<Member> out = new ArrayList<>(texts.size());
        for (Object t : texts) {
            out.add(Member.parse(String.valueOf(t)));
        }
        return out;
    }
}
