package io.physalia.operator;

import java.util.Optional;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;

/**
 * The operator's composition root: the Java Operator SDK with the Colony, Color and Cell
 * reconcilers for one namespace, the colonies' runtimes, and (optionally) leader election on a
 * Lease, so that of several operator replicas only one acts.
 */
public final class PhysaliaOperator implements AutoCloseable {
    /** The Lease the replicas of the operator compete for. */
    public static final String LEASE = "physalia-operator";

    private final Operator operator;
    private final Colonies colonies;
    private final EventRecorder events;
    private final OperatorMetrics metrics;

    /** An operator without leader election (a single in-process operator, as in tests). */
    public PhysaliaOperator(KubernetesClient client, String namespace, boolean leaderElection) {
        this(client, namespace, leaderElection ? Optional.of(new Election(defaultIdentity(), () -> new Thread(() -> System.exit(1),
                "physalia-operator-lost-lease").start())) : Optional.empty());
    }

    /**
     * Leader election on the Lease {@value #LEASE}: {@code identity} names this replica (the pod
     * name in a cluster); {@code onLostLeadership} runs when another replica took the Lease while
     * this one was not closing. It must stop this replica from acting: {@link OperatorMain} exits
     * the process (from a thread of its own, never from a shutdown hook), so the pod restarts
     * clean and competes again.
     */
    public record Election(String identity, Runnable onLostLeadership) {}

    private volatile boolean closing;

    /** The pod name, else this host's name and process id. */
    static String defaultIdentity() {
        String pod = System.getenv("POD_NAME");
        if (pod != null && !pod.isBlank()) {
            return pod;
        }
        String host = System.getenv("HOSTNAME");
        return (host == null || host.isBlank() ? "operator" : host) + "-" + ProcessHandle.current().pid();
    }

    /**
     * @param namespace the namespace whose Colonies, Colors and Cells this operator reconciles
     * @param election leader election, or empty to act at once
     */
    public PhysaliaOperator(KubernetesClient client, String namespace, Optional<Election> election) {
        CellNudges nudges = new CellNudges();
        this.colonies = new Colonies(client, nudges);
        this.events = new EventRecorder(client);
        this.metrics = new OperatorMetrics(colonies);
        this.operator = new Operator(o -> {
            o.withKubernetesClient(client).withCloseClientOnStop(false).withConcurrentReconciliationThreads(16);
            election.ifPresent(e -> o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(LEASE, namespace,
                    LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE, LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                    LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, e.identity(),
                    new io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks(() -> {}, () -> {
                        if (!closing) {
                            e.onLostLeadership().run();
                        }
                    }, leader -> {}),
                    false))); // not JOSDK's own exit: it would also run while closing, from a shutdown hook
        });
        operator.register(new ColonyReconciler(colonies, events, new RolloutDriver(client, events)), c -> c.settingNamespace(namespace));
        operator.register(new ColorReconciler(colonies), c -> c.settingNamespace(namespace));
        operator.register(new CellReconciler(client, colonies, events, nudges), c -> c.settingNamespace(namespace));
    }

    /** The operator's metrics in the Prometheus text format (served by {@link OperatorMain} on --metrics-port). */
    public String scrapeMetrics() {
        return metrics.scrape();
    }

    public void start() {
        operator.start();
    }

    @Override
    public void close() {
        closing = true;
        try {
            operator.stop();
        } finally {
            colonies.close();
            events.close();
        }
    }
}
