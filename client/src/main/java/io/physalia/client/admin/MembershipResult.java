package io.physalia.client.admin;

import io.physalia.client.Json;
import io.physalia.core.cell.Member;
import java.util.List;
import java.util.Map;

/**
 * The leader's answer to a membership change ({@code POST /admin/cells/C/members}).
 *
 * @param applied whether the change was chosen and applied
 * @param detail why not, when it was refused (another change pending, say)
 * @param slot the log slot the change was chosen at; an added member's incarnation is {@code slot + 1}
 * @param pending the configuration the change leads to
 */
public record MembershipResult(boolean applied, String detail, long slot, List<Member> pending) {
    public MembershipResult {
        pending = List.copyOf(pending);
    }

    static MembershipResult fromJson(Map<String, Object> o) {
        return new MembershipResult(Json.bool(o, "applied"), Json.string(o, "detail"), Json.number(o, "slot", 0),
                ReplicaStatus.members(Json.list(o, "pending")));
    }
}
