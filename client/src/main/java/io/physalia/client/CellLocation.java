package io.physalia.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a cell lives, as discovery (or a forwarding pointer) told the client: its members with
 * their HTTP addresses, as of configuration {@code epoch} (larger is newer), and the address of
 * the member last seen leading (null if none yet).
 */
public record CellLocation(String cell, long epoch, List<Member> members, String leaderHttp) {
    public record Member(String node, String http) {}

    public CellLocation {
        members = List.copyOf(members);
    }

    /** The addresses to try, the leader's first. */
    List<String> addresses() {
        List<String> a = new ArrayList<>();
        if (leaderHttp != null) {
            a.add(leaderHttp);
        }
        for (Member m : members) {
            if (m.http() != null && !a.contains(m.http())) {
                a.add(m.http());
            }
        }
        return a;
    }

    CellLocation withLeader(String http) {
        return new CellLocation(cell, epoch, members, http);
    }

    /** Reads a discovery entry or a forwarding pointer ({"cell", "epoch", "members": [{"node", "http"}], "leader"}). */
    static CellLocation fromJson(String cell, Map<String, Object> o) {
        List<Member> members = new ArrayList<>();
        String leaderHttp = null;
        String leader = Json.string(o, "leader");
        for (Object m : Json.list(o, "members")) {
            Map<String, Object> mm = Json.object(m);
            Member member = new Member(Json.string(mm, "node"), Json.string(mm, "http"));
            members.add(member);
            if (leader != null && leader.equals(member.node())) {
                leaderHttp = member.http();
            }
        }
        if (members.isEmpty() || !(o.get("epoch") instanceof Number)) {
            throw new IllegalArgumentException("not a cell location: " + o);
        }
        return new CellLocation(cell, Json.number(o, "epoch", 0), members, leaderHttp);
    }
}
