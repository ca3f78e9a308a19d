package io.physalia.operator;

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

    /**
     * @param namespace the namespace whose Colonies, Colors and Cells this operator reconciles
     * @param leaderElection whether to take the Lease first (off for a single in-process operator in tests)
     */
    public PhysaliaOperator(KubernetesClient client, String namespace, boolean leaderElection) {
        CellNudges nudges = new CellNudges();
        this.colonies = new Colonies(client, nudges);
        this.events = new EventRecorder(client);
        this.metrics = new OperatorMetrics(colonies);
        this.operator = new Operator(o -> {
            o.withKubernetesClient(client).withCloseClientOnStop(false).withConcurrentReconciliationThreads(16);
            if (leaderElection) {
                o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(LEASE, namespace));
            }
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
        try {
            operator.stop();
        } finally {
            colonies.close();
            events.close();
        }
    }
}
