package io.physalia.operator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.physalia.crds.Colony;
import io.physalia.crds.Color;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one color of a colony runs as: a StatefulSet of node pods, its headless Service and one
 * PodDisruptionBudget per color (never per cell: a pod under two PDBs cannot be evicted). Pure
 * functions of the Colony and the Color, so a reconcile applies the same objects every time.
 *
 * <p>The StatefulSet uses {@code OnDelete}: the operator, not the StatefulSet controller, picks
 * which pod restarts when. Pods are spread one per Kubernetes node and over racks. Every node of
 * the color gets the same arguments; a pod's name and IP come from the downward API, and the
 * peers it talks to come later from the operator ({@code PUT /admin/peers}), never from a list
 * of the whole colony.
 */
public final class ColorResources {
    public static final String DATA_MOUNT = "/var/lib/physalia";
    public static final String KEYS_MOUNT = "/etc/physalia/keys";
    /** Where the node-settings ConfigMap is mounted; PHYSALIA_CONFIG names its file. */
    public static final String CONFIG_MOUNT = "/etc/physalia/config";
    public static final String DATA_VOLUME = "data";
    static final String DATA_SIZE = "1Gi";

    private ColorResources() {}

    /**
     * The version a color's StatefulSet carries: its own override; else the one the colony's
     * rollout gave it ({@code status.rollout.versions}, so a new spec.version reaches one color at
     * a time); else, before any rollout state exists, the colony's spec.version.
     */
    public static String version(Colony colony, Color color) {
        String own = color.getSpec().getVersion();
        if (own != null && !own.isBlank()) {
            return own;
        }
        var rollout = colony.getStatus() == null ? null : colony.getStatus().getRollout();
        String assigned = rollout == null || rollout.getVersions() == null ? null : rollout.getVersions().get(color.getSpec().getColor());
        return assigned != null ? assigned : colony.getSpec().getVersion();
    }

    /** The image of a version: the colony's image repository tagged with the version. */
    public static String image(Colony colony, String version) {
        return colony.getSpec().getImage() + ":" + version;
    }

    /**
     * The node config file every node of the colony reads ({@code PHYSALIA_CONFIG}): the Colony's
     * spec.nodeSettings as {@code key = value} lines, sorted. Owned by the Colony; the same for
     * every color, so each color's reconcile applies the same object. A node reads it when it
     * starts: a change reaches each node at its next restart.
     */
    public static ConfigMap nodeSettings(Colony colony) {
        StringBuilder conf = new StringBuilder("# from Colony ").append(colony.getMetadata().getName())
                .append(" spec.nodeSettings; read by each node when it starts\n");
        Map<String, String> settings = colony.getSpec().getNodeSettings();
        if (settings != null) {
            new TreeMap<>(settings).forEach((k, v) -> conf.append(k).append(" = ").append(v).append('\n'));
        }
        String name = colony.getMetadata().getName();
        return new ConfigMapBuilder()
                .withNewMetadata().withName(Names.nodeSettings(name)).withNamespace(colony.getMetadata().getNamespace())
                    .withLabels(Map.of(Names.COLONY_LABEL, name, Names.MANAGED_BY_LABEL, Names.MANAGED_BY))
                    .withOwnerReferences(owner(colony))
                .endMetadata()
                .withData(Map.of(Names.NODE_CONFIG_KEY, conf.toString()))
                .build();
    }

    /** The labels that select the pods of one color. */
    public static Map<String, String> selector(String colony, String color) {
        Map<String, String> m = new TreeMap<>();
        m.put(Names.APP_LABEL, Names.APP);
        m.put(Names.COLONY_LABEL, colony);
        m.put(Names.COLOR_LABEL, color);
        return m;
    }

    private static Map<String, String> labels(String colony, String color) {
        Map<String, String> m = selector(colony, color);
        m.put(Names.MANAGED_BY_LABEL, Names.MANAGED_BY);
        return m;
    }

    /** A controlling owner reference to {@code owner}: what it owns goes when it goes. */
    static OwnerReference owner(io.fabric8.kubernetes.api.model.HasMetadata owner) {
        return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
                .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build();
    }

    /** Name, namespace, labels and owner of the color's Service, PDB and StatefulSet. */
    private static io.fabric8.kubernetes.api.model.ObjectMeta metadata(String colony, Color color) {
        String c = color.getSpec().getColor();
        return new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(Names.color(colony, c))
                .withNamespace(color.getMetadata().getNamespace()).withLabels(labels(colony, c)).withOwnerReferences(owner(color)).build();
    }

    public static StatefulSet statefulSet(Colony colony, Color color) {
        String colonyName = colony.getMetadata().getName();
        String colorName = color.getSpec().getColor();
        String name = Names.color(colonyName, colorName);
        String version = version(colony, color);
        Map<String, String> podLabels = labels(colonyName, colorName);
        podLabels.put(Names.VERSION_LABEL, version);
        return new StatefulSetBuilder()
                .withMetadata(metadata(colonyName, color))
                .withNewSpec()
                    .withServiceName(name)
                    .withReplicas(color.getSpec().getReplicas())
                    .withPodManagementPolicy("Parallel")
                    .withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy()
                    .withNewSelector().withMatchLabels(selector(colonyName, colorName)).endSelector()
                    .withNewTemplate()
                        .withNewMetadata().withLabels(podLabels).endMetadata()
                        .withNewSpec()
                            .withTerminationGracePeriodSeconds(30L)
                            .withNodeSelector(colony.getSpec().getNodeSelector())
                            .withAutomountServiceAccountToken(false)
                            .withNewSecurityContext()
                                .withRunAsNonRoot(true).withRunAsUser(10001L).withRunAsGroup(10001L).withFsGroup(10001L)
                                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                            .endSecurityContext()
                            .withContainers(container(colonyName, colorName, image(colony, version)))
                            .addNewVolume().withName("keys").withNewSecret().withSecretName(Names.keyring(colonyName))
                                .withDefaultMode(0400).endSecret().endVolume()
                            .addNewVolume().withName("settings").withNewConfigMap().withName(Names.nodeSettings(colonyName))
                                .endConfigMap().endVolume()
                            .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
                            .withNewAffinity().withNewPodAntiAffinity()
                                // one node pod per Kubernetes node, whatever its color: a machine lost is one node lost
                                .addNewRequiredDuringSchedulingIgnoredDuringExecution()
                                    .withTopologyKey("kubernetes.io/hostname")
                                    .withNewLabelSelector().withMatchLabels(Map.of(Names.APP_LABEL, Names.APP, Names.COLONY_LABEL, colonyName))
                                    .endLabelSelector()
                                .endRequiredDuringSchedulingIgnoredDuringExecution()
                            .endPodAntiAffinity().endAffinity()
                            .addNewTopologySpreadConstraint()
                                .withMaxSkew(1).withTopologyKey(io.physalia.topology.TopologyLabels.RACK)
                                // one pod of a color per rack while racks have room: a rack lost is one node of the color lost
                                .withWhenUnsatisfiable("DoNotSchedule")
                                .withNewLabelSelector().withMatchLabels(selector(colonyName, colorName)).endLabelSelector()
                            .endTopologySpreadConstraint()
                        .endSpec()
                    .endTemplate()
                    .withVolumeClaimTemplates(new PersistentVolumeClaimBuilder()
                            .withNewMetadata().withName(DATA_VOLUME).endMetadata()
                            .withNewSpec().withAccessModes("ReadWriteOnce")
                                .withNewResources().withRequests(Map.of("storage", new Quantity(DATA_SIZE))).endResources()
                            .endSpec().build())
                .endSpec()
                .build();
    }

    private static Container container(String colony, String color, String image) {
        return new ContainerBuilder()
                .withName("node")
                .withImage(image)
                // flag and value as separate arguments: a value that is a path then starts with its mount path
                .withArgs(List.of(
                        "--name", "$(POD_NAME)",
                        "--bind", "$(POD_IP)",
                        "--http-port", String.valueOf(NodePorts.HTTP),
                        "--admin-port", String.valueOf(NodePorts.ADMIN),
                        "--peer-port", String.valueOf(NodePorts.PEER),
                        "--data-dir", DATA_MOUNT + "/data",
                        "--key-file", KEYS_MOUNT + "/" + Names.KEY_FILE_KEY,
                        "--colony", colony,
                        "--labels", Names.COLOR_LABEL + "=" + color))
                .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef()
                    .endValueFrom().endEnv()
                .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef()
                    .endValueFrom().endEnv()
                // the settings the operator does not give as args (spec.nodeSettings)
                .addNewEnv().withName("PHYSALIA_CONFIG").withValue(CONFIG_MOUNT + "/" + Names.NODE_CONFIG_KEY).endEnv()
                .addNewPort().withName("http").withContainerPort(NodePorts.HTTP).endPort()
                .addNewPort().withName("admin").withContainerPort(NodePorts.ADMIN).endPort()
                .addNewPort().withName("peer").withContainerPort(NodePorts.PEER).endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/readyz").withPort(new IntOrString("http")).endHttpGet()
                    .withPeriodSeconds(2).endReadinessProbe()
                .withNewLivenessProbe().withNewHttpGet().withPath("/healthz").withPort(new IntOrString("http")).endHttpGet()
                    .withPeriodSeconds(5).withFailureThreshold(6).endLivenessProbe()
                .withNewSecurityContext()
                    .withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true).withRunAsNonRoot(true)
                    .withNewCapabilities().withDrop("ALL").endCapabilities()
                    .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .addNewVolumeMount().withName(DATA_VOLUME).withMountPath(DATA_MOUNT).endVolumeMount()
                .addNewVolumeMount().withName("keys").withMountPath(KEYS_MOUNT).withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("settings").withMountPath(CONFIG_MOUNT).withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
                .build();
    }

    public static Service headlessService(Colony colony, Color color) {
        String colonyName = colony.getMetadata().getName();
        String colorName = color.getSpec().getColor();
        return new ServiceBuilder()
                .withMetadata(metadata(colonyName, color))
                .withNewSpec()
                    .withClusterIP("None")
                    // peers and the operator address pods that are not ready yet (a node recovering its log)
                    .withPublishNotReadyAddresses(true)
                    .withSelector(selector(colonyName, colorName))
                    .addNewPort().withName("http").withPort(NodePorts.HTTP).withTargetPort(new IntOrString(NodePorts.HTTP)).endPort()
                    .addNewPort().withName("admin").withPort(NodePorts.ADMIN).withTargetPort(new IntOrString(NodePorts.ADMIN)).endPort()
                    .addNewPort().withName("peer").withPort(NodePorts.PEER).withTargetPort(new IntOrString(NodePorts.PEER)).endPort()
                .endSpec()
                .build();
    }

    /**
     * The color's one budget for voluntary disruptions (evictions, drains): at most one node pod
     * down at a time while {@code open}, none otherwise. The operator opens it only when every
     * pod of the color is up with its replicas caught up and any one of them could go without a
     * cell losing its caught-up quorum, so the budget and the operator's own check agree.
     */
    public static PodDisruptionBudget disruptionBudget(Colony colony, Color color, boolean open) {
        String colonyName = colony.getMetadata().getName();
        String colorName = color.getSpec().getColor();
        return new PodDisruptionBudgetBuilder()
                .withMetadata(metadata(colonyName, color))
                .withNewSpec()
                    .withMaxUnavailable(new IntOrString(open ? 1 : 0))
                    .withNewSelector().withMatchLabels(selector(colonyName, colorName)).endSelector()
                .endSpec()
                .build();
    }
}
