package io.physalia.simworld.net;

import io.physalia.simworld.SimRandom;
import io.physalia.simworld.SimScheduler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * An in-memory network between named nodes, with faults. Every delivery is an event on the
 * {@link SimScheduler}; every random choice comes from one {@link SimRandom}.
 *
 * <p>The path of a message: counted as sent; lost if the sender or receiver is down or a
 * partition separates them; then each matching fault rule, in the order the rules were added,
 * may drop, delay, duplicate or reorder it; then it is scheduled after a base delay drawn from
 * [{@code minDelayMillis}, {@code maxDelayMillis}]. On arrival it is lost if the receiver has
 * crashed since the send (even if it is up again: the connection it was sent on died with it)
 * or a partition now separates the two; otherwise the receiver's handler runs.
 *
 * <p>Links are FIFO by default, as the node's TCP connections are: a message never overtakes an
 * earlier one on the same (from, to) link unless a REORDER rule releases it (duplicates, too,
 * travel outside FIFO order). Turn that off with
 * {@link #setFifoLinks(boolean)} to model a datagram network where any base delay reorders.
 */
public final class SimNetwork<M> {
    private final SimScheduler scheduler;
    private final SimRandom random;
    // Lookup-only maps (never iterated), so hash order cannot leak into the run.
    private final Map<String, Endpoint<M>> endpoints = new HashMap<>();
    private final Map<String, Long> fifoTailMillisByLink = new HashMap<>();
    // Iterated: insertion order is part of the semantics.
    private final Map<String, Set<String>> partitions = new LinkedHashMap<>();
    private final Map<String, Rule<M>> rules = new LinkedHashMap<>();
    private final List<Consumer<NetworkEvent<M>>> observers = new ArrayList<>();
    private long minDelayMillis = 1;
    private long maxDelayMillis = 5;
    private boolean fifoLinks = true;
    private long sent;
    private long delivered;
    private long duplicated;
    private long inFlight;
    private final EnumMap<DropReason, Long> droppedByReason = new EnumMap<>(DropReason.class);

    public SimNetwork(SimScheduler scheduler, SimRandom random) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.random = Objects.requireNonNull(random, "random");
    }

    // ---- nodes ----

    /** Adds a node. Its handler runs once per delivered message, inside a scheduler event. */
    public void register(String node, Consumer<Delivery<M>> handler) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(handler, "handler");
        if (endpoints.containsKey(node)) {
            throw new IllegalArgumentException("node already registered: " + node);
        }
        endpoints.put(node, new Endpoint<>(handler));
    }

    /** Swaps a node's handler, for example when a restarted node builds a fresh replica. */
    public void replaceHandler(String node, Consumer<Delivery<M>> handler) {
        endpoint(node).handler = Objects.requireNonNull(handler, "handler");
    }

    /** Crashes a node: it stops sending and receiving, and whatever is in flight to it is lost. No-op if already down. */
    public void down(String node) {
        Endpoint<M> endpoint = endpoint(node);
        if (endpoint.up) {
            endpoint.up = false;
            endpoint.incarnation++;
        }
    }

    /** Brings a crashed node back. Messages sent to its previous incarnation stay lost. */
    public void up(String node) {
        endpoint(node).up = true;
    }

    public boolean isUp(String node) {
        return endpoint(node).up;
    }

    /** Registered node names, sorted. */
    public List<String> nodes() {
        return List.copyOf(new TreeSet<>(endpoints.keySet()));
    }

    // ---- configuration ----

    /** Sets the range every message's base delay is drawn from, inclusive. */
    public void setDelayRange(long minMillis, long maxMillis) {
        if (minMillis < 0 || maxMillis < minMillis) {
            throw new IllegalArgumentException("need 0 <= min <= max, was [" + minMillis + ", " + maxMillis + "]");
        }
        minDelayMillis = minMillis;
        maxDelayMillis = maxMillis;
    }

    public void setFifoLinks(boolean fifo) {
        fifoLinks = fifo;
    }

    /** Registers an observer that sees every network event (tracing, statistics). */
    public void observe(Consumer<NetworkEvent<M>> observer) {
        observers.add(Objects.requireNonNull(observer, "observer"));
    }

    // ---- partitions ----

    /**
     * Cuts {@code members} off from every other node until {@link #heal(String)}; the members
     * still reach each other. Several named partitions can be in force at once: two nodes can
     * talk only if every partition holds both or neither of them.
     */
    public void partitionOff(String name, Collection<String> members) {
        Objects.requireNonNull(name, "name");
        if (partitions.containsKey(name)) {
            throw new IllegalArgumentException("partition already in force: " + name);
        }
        Set<String> side = new TreeSet<>();
        for (String member : members) {
            endpoint(member); // catches misspelt names
            side.add(member);
        }
        partitions.put(name, side);
    }

    /** Removes the named partition. Returns false if no such partition was in force. */
    public boolean heal(String name) {
        return partitions.remove(name) != null;
    }

    public void healAll() {
        partitions.clear();
    }

    /** True when no partition separates the two nodes (says nothing about up/down). */
    public boolean connected(String a, String b) {
        for (Set<String> side : partitions.values()) {
            if (side.contains(a) != side.contains(b)) {
                return false;
            }
        }
        return true;
    }

    // ---- fault rules ----

    /** Adds a fault rule. Rules apply in the order they were added; names must be unique. */
    public void addRule(String name, MessageMatcher<M> matcher, Fault fault) {
        Objects.requireNonNull(name, "name");
        if (rules.containsKey(name)) {
            throw new IllegalArgumentException("rule already exists: " + name);
        }
        rules.put(name, new Rule<>(name, Objects.requireNonNull(matcher, "matcher"), Objects.requireNonNull(fault, "fault")));
    }

    /** Removes a rule; messages already scheduled keep what it did to them. Returns false if there was no such rule. */
    public boolean removeRule(String name) {
        return rules.remove(name) != null;
    }

    public void clearRules() {
        rules.clear();
    }

    // ---- traffic ----

    public void send(String from, String to, M message) {
        Endpoint<M> sender = endpoint(from);
        Endpoint<M> receiver = endpoint(to);
        Delivery<M> delivery = new Delivery<>(from, to, Objects.requireNonNull(message, "message"));
        sent++;
        publish(NetworkEvent.Kind.SENT, delivery, null, null);
        if (!sender.up) {
            drop(delivery, DropReason.SENDER_DOWN, null);
        } else if (!receiver.up) {
            drop(delivery, DropReason.RECEIVER_DOWN, null);
        } else if (!connected(from, to)) {
            drop(delivery, DropReason.PARTITIONED, null);
        } else {
            route(delivery, List.copyOf(rules.values()), 0, receiver.incarnation, false);
        }
    }

    /**
     * Applies rules {@code firstRule..} to one copy of a message and schedules it. A duplicate
     * starts at the rule after the one that made it, so a copy is never copied by the same rule
     * again and a duplicate rule cannot multiply messages without bound. A duplicate is a stray
     * packet (a retransmission on another path), so it travels outside the link's FIFO order and
     * may arrive after messages sent later: the case that catches non-idempotent handlers.
     */
    private void route(Delivery<M> delivery, List<Rule<M>> activeRules, int firstRule, long receiverIncarnation,
                       boolean isDuplicate) {
        long extraMillis = 0;
        boolean outOfOrder = isDuplicate;
        for (int i = firstRule; i < activeRules.size(); i++) {
            Rule<M> rule = activeRules.get(i);
            if (!rule.matcher().matches(delivery.from(), delivery.to(), delivery.message())) {
                continue;
            }
            switch (rule.fault()) {
                case Fault.Drop drop -> {
                    if (random.chance(drop.probability())) {
                        drop(delivery, DropReason.RULE, rule.name());
                        return;
                    }
                }
                case Fault.Delay delay -> extraMillis += random.between(delay.minExtraMillis(), delay.maxExtraMillis());
                case Fault.Duplicate duplicate -> {
                    if (random.chance(duplicate.probability())) {
                        duplicated++;
                        publish(NetworkEvent.Kind.DUPLICATED, delivery, null, rule.name());
                        route(delivery, activeRules, i + 1, receiverIncarnation, true);
                    }
                }
                case Fault.Reorder reorder -> {
                    if (random.chance(reorder.probability())) {
                        outOfOrder = true;
                        extraMillis += random.between(1, reorder.maxExtraMillis());
                    }
                }
            }
        }
        schedule(delivery, extraMillis, outOfOrder, receiverIncarnation);
    }

    private void schedule(Delivery<M> delivery, long extraMillis, boolean outOfOrder, long receiverIncarnation) {
        long arrivalMillis = scheduler.now() + random.between(minDelayMillis, maxDelayMillis) + extraMillis;
        if (fifoLinks && !outOfOrder) {
            String link = delivery.from() + '\u0000' + delivery.to();
            // Equal arrival times keep send order: the scheduler breaks ties by scheduling order.
            arrivalMillis = Math.max(arrivalMillis, fifoTailMillisByLink.getOrDefault(link, Long.MIN_VALUE));
            fifoTailMillisByLink.put(link, arrivalMillis);
        }
        inFlight++;
        scheduler.at(arrivalMillis, () -> arrive(delivery, receiverIncarnation));
    }

    private void arrive(Delivery<M> delivery, long receiverIncarnation) {
        inFlight--;
        Endpoint<M> receiver = endpoints.get(delivery.to());
        if (!receiver.up || receiver.incarnation != receiverIncarnation) {
            drop(delivery, DropReason.RECEIVER_CRASHED, null);
        } else if (!connected(delivery.from(), delivery.to())) {
            drop(delivery, DropReason.PARTITIONED, null);
        } else {
            delivered++;
            publish(NetworkEvent.Kind.DELIVERED, delivery, null, null);
            receiver.handler.accept(delivery);
        }
    }

    private void drop(Delivery<M> delivery, DropReason reason, String rule) {
        droppedByReason.merge(reason, 1L, Long::sum);
        publish(NetworkEvent.Kind.DROPPED, delivery, reason, rule);
    }

    private void publish(NetworkEvent.Kind kind, Delivery<M> delivery, DropReason reason, String rule) {
        if (observers.isEmpty()) {
            return;
        }
        NetworkEvent<M> event = new NetworkEvent<>(scheduler.now(), kind, delivery, reason, rule);
        for (int i = 0; i < observers.size(); i++) {
            observers.get(i).accept(event);
        }
    }

    // ---- counters ----

    public NetworkStats stats() {
        long dropped = droppedByReason.values().stream().mapToLong(Long::longValue).sum();
        return new NetworkStats(sent, delivered, dropped, duplicated, inFlight, droppedByReason);
    }

    /** Messages scheduled for arrival that have not arrived yet (handy for "run until quiet"). */
    public long inFlight() {
        return inFlight;
    }

    private Endpoint<M> endpoint(String node) {
        Endpoint<M> endpoint = endpoints.get(Objects.requireNonNull(node, "node"));
        if (endpoint == null) {
            throw new IllegalArgumentException("unknown node: " + node);
        }
        return endpoint;
    }

    private static final class Endpoint<M> {
        private Consumer<Delivery<M>> handler;
        private boolean up = true;
        private long incarnation;

        Endpoint(Consumer<Delivery<M>> handler) {
            this.handler = handler;
        }
    }

    private record Rule<M>(String name, MessageMatcher<M> matcher, Fault fault) {}
}
