package io.physalia.e2e.k8s;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Gives every pending claim a volume, as Kind's local-path provisioner does: a hostPath
 * PersistentVolume on the claim's host directory ({@link PodVolumes#claimDir}), bound in advance
 * to that claim, so the controller manager's volume binder binds them and the scheduler (which
 * will not place a pod whose claims are unbound) places the pod. Without it, a StatefulSet with
 * volumeClaimTemplates never gets a pod in this tier.
 */
final class ClaimProvisioner {
    static final String PROVISIONED_BY = "e2e.physalia.io/provisioned-by";

    private final KubernetesClient client;
    private final Path root;
    private final System.Logger log = System.getLogger(ClaimProvisioner.class.getName());

    ClaimProvisioner(KubernetesClient client, Path root) {
        this.client = client;
        this.root = root;
    }

    /** Creates the claim's volume if it is pending without one; idempotent. */
    void provide(PersistentVolumeClaim claim) {
        var spec = claim.getSpec();
        boolean pending = claim.getStatus() == null || claim.getStatus().getPhase() == null
                || "Pending".equals(claim.getStatus().getPhase());
        if (!pending || claim.getMetadata().getDeletionTimestamp() != null
                || (spec.getVolumeName() != null && !spec.getVolumeName().isEmpty())) {
            return;
        }
        String name = "pod-runner-" + claim.getMetadata().getUid();
        if (client.persistentVolumes().withName(name).get() != null) {
            return;
        }
        Quantity size = spec.getResources() != null && spec.getResources().getRequests() != null
                && spec.getResources().getRequests().get("storage") != null
                ? spec.getResources().getRequests().get("storage") : new Quantity("1Gi");
        PersistentVolume volume = new PersistentVolumeBuilder()
                .withNewMetadata().withName(name).addToLabels(PROVISIONED_BY, "pod-runner").endMetadata()
                .withNewSpec()
                    .withCapacity(Map.of("storage", size))
                    .withAccessModes(spec.getAccessModes())
                    .withStorageClassName(spec.getStorageClassName() == null ? "" : spec.getStorageClassName())
                    .withVolumeMode(spec.getVolumeMode())
                    .withPersistentVolumeReclaimPolicy("Retain")
                    .withNewHostPath(PodVolumes.claimDir(root, claim).toString(), "DirectoryOrCreate")
                    .withNewClaimRef()
                        .withNamespace(claim.getMetadata().getNamespace())
                        .withName(claim.getMetadata().getName())
                        .withUid(claim.getMetadata().getUid())
                    .endClaimRef()
                .endSpec()
                .build();
        try {
            client.persistentVolumes().resource(volume).create();
            log.log(System.Logger.Level.INFO, "pod runner: volume " + name + " for claim "
                    + claim.getMetadata().getNamespace() + "/" + claim.getMetadata().getName());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) { // 409: created by an earlier event for the same claim
                log.log(System.Logger.Level.WARNING, "pod runner: cannot create volume " + name + ": " + e.getMessage());
            }
        }
    }
}
