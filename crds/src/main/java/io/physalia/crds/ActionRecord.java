package io.physalia.crds;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One control-plane action (a replacement, a move closer, a pod restart...) as recorded in
 * Colony.status: enough for a restarted operator to resume it and for a human to read it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ActionRecord {
    private Long id;
    private String kind;
    private String cell;
    private String color;
    /** The node leaving the cell's membership, if any. */
    private String leaving;
    /** The node joining the cell's membership, if any. */
    private String joining;
    /** When the action was issued, RFC 3339. */
    private String issuedAt;
    private String detail;

    public Long getId() {
        return id;
    }

    public void setId(Long id) {
        this.id = id;
    }

    public String getKind() {
        return kind;
    }

    public void setKind(String kind) {
        this.kind = kind;
    }

    public String getCell() {
        return cell;
    }

    public void setCell(String cell) {
        this.cell = cell;
    }

    public String getColor() {
        return color;
    }

    public void setColor(String color) {
        this.color = color;
    }

    public String getLeaving() {
        return leaving;
    }

    public void setLeaving(String leaving) {
        this.leaving = leaving;
    }

    public String getJoining() {
        return joining;
    }

    public void setJoining(String joining) {
        this.joining = joining;
    }

    public String getIssuedAt() {
        return issuedAt;
    }

    public void setIssuedAt(String issuedAt) {
        this.issuedAt = issuedAt;
    }

    public String getDetail() {
        return detail;
    }

    public void setDetail(String detail) {
        this.detail = detail;
    }
}
