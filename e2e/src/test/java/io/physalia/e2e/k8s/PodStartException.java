package io.physalia.e2e.k8s;

/**
 * Why the pod runner cannot start a pod's process, as a kubelet would report it in an event
 * (CreateContainerConfigError, an unknown image, an unsupported volume): the pod stays without a
 * process, the reason is kept for {@link PodRunner#failure}, and the runner tries again when the pod
 * or the objects it refers to change.
 */
final class PodStartException extends Exception {
    PodStartException(String message) {
        super(message);
    }
}
