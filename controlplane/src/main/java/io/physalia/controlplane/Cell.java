package io.physalia.controlplane;

import io.physalia.topology.Location;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One cell as the engine sees it: its color, its target size, where its clients are (the
 * paper's client, primary and replica points), and its current members.
 */
public final class Cell {
    private final String id;
    private final String color;
    private final int size;
    private List<Location> clients;
    private final List<Node> members = new ArrayList<>();

    Cell(String id, String color, int size, List<Location> clients) {
        this.id = id;
        this.color = color;
        this.size = size;
        this.clients = List.copyOf(clients);
    }

    public String id() {
        return id;
    }

    public String color() {
        return color;
    }

    public int size() {
        return size;
    }

    public List<Location> clients() {
        return clients;
    }

    public List<Node> members() {
        return Collections.unmodifiableList(members);
    }

    public List<String> memberNames() {
        return members.stream().map(Node::name).toList();
    }

    /** Members that are down; a membership change needs a healthy majority. */
    public long unhealthyMembers() {
        return members.stream().filter(n -> !n.healthy()).count();
    }

    void setClients(List<Location> clients) {
        this.clients = List.copyOf(clients);
    }

    List<Node> mutableMembers() {
        return members;
    }

    @Override
    public String toString() {
        return id + memberNames();
    }
}
