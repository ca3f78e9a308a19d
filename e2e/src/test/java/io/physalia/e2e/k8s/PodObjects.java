package io.physalia.e2e.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;

/** The objects a pod refers to, read from the pod runner's informer caches (null when absent). */
interface PodObjects {
    Secret secret(String namespace, String name);

    ConfigMap configMap(String namespace, String name);

    PersistentVolumeClaim claim(String namespace, String name);
}
