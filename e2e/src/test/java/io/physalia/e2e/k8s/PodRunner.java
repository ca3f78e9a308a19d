package io.physalia.e2e.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Plays the container runtime behind kwok's fake kubelets: for each pod bound to a kwok node that
 * has a pod IP and is not being deleted, it starts one real OS process for the pod's first
 * container, and stops it (SIGTERM, then SIGKILL after the pod's termination grace period, at most
 * 10 s) when the pod is deleted, gets a deletionTimestamp or is replaced by a pod of the same name
 * with another uid. kwok gives pods IPs inside 127.0.0.0/8 ({@link ControlPlane}), so every pod's
 * process binds its own pod IP with the same ports as the others.
 *
 * <p>A pod whose node is deleted loses its process (the node is gone); init containers and any
 * container after the first are not run.
 *
 * <p>What a pod's process gets, as a kubelet would give it:
 * <ul>
 *   <li>the command of its image's {@link ImageLaunch} (registered with {@link #image}), followed by
 *       the container's {@code args}; an unknown image is recorded as a start failure
 *       ({@link #failure}), never thrown;
 *   <li>the environment from {@code env} and {@code envFrom}, with {@code $(VAR)} references in env
 *       values and args expanded as Kubernetes expands them ({@link PodEnvironment});
 *   <li>its volume mounts as host directories ({@link PodVolumes}), Secret and ConfigMap files kept
 *       up to date while it runs;
 *   <li>restarts while the pod exists (restartPolicy Always; OnFailure and Never as they say), 1 s
 *       after an exit, doubling up to 10 s, counted in {@link #restarts}; output in
 *       {@code <root>/logs/<namespace>_<pod>.log}, appended across restarts.
 * </ul>
 *
 * <p><b>Where it differs from a kubelet.</b> The process runs on the host, not in a container, so
 * there is no mount namespace: an argument or env value that starts with a container's mount path
 * (the whole value, or the value of a {@code --flag=value} argument) is rewritten to the host
 * directory behind it. The working directory is the pod's own directory, the environment holds
 * only the container's variables plus {@code PATH} and {@code HOME} (no service links), and a
 * container {@code command} is refused (it would name files of the image, which do not exist here).
 *
 * <p><b>Pod status is kwok's.</b> The runner writes nothing to the API: a pod is Running and Ready
 * because kwok says so, whether its process is up, crashed or restarting. An operator tested in this
 * tier must health-check its nodes itself (as it must anyway: readiness is not health).
 *
 * <p>The runner also provides volumes for pending PersistentVolumeClaims in its namespace
 * ({@link ClaimProvisioner}), since the scheduler places no pod whose claims are unbound.
 * Informer threads never block: every start, stop and file write runs on one small executor, at
 * most one task per pod at a time. At most {@value #MAX_PROCESSES} processes run; beyond that a pod
 * is refused with a start failure. {@link #close} stops every process; a shutdown hook does the
 * same if the JVM exits first, the node image's {@code --parent-pid} covers a JVM killed outright,
 * and {@link ControlPlane#close} sweeps any child process left.
 */
public final class PodRunner implements AutoCloseable {
    public static final int MAX_PROCESSES = 64;
    /** Pods whose process a test keeps down ({@link #hold}). */
    private final java.util.Set<String> held = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final Duration MAX_GRACE = Duration.ofSeconds(10);
    private static final Duration RETRY = Duration.ofSeconds(5);
    private static final System.Logger LOG = System.getLogger(PodRunner.class.getName());

    private final KubernetesClient client;
    private final String namespace;
    private final Path root;
    private final PodVolumes volumes;
    private final ClaimProvisioner provisioner;
    private final Map<String, ImageLaunch> images = new ConcurrentHashMap<>();
    private final Map<String, PodProcess> processes = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final ScheduledExecutorService executor;
    private final WorkQueue queue;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::stopEverything, "pod-runner-shutdown");
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Node> nodes;
    private SharedIndexInformer<Secret> secrets;
    private SharedIndexInformer<ConfigMap> configMaps;
    private SharedIndexInformer<PersistentVolumeClaim> claims;
    private volatile boolean closed;

    private PodRunner(KubernetesClient client, String namespace, Path root) {
        this.client = client;
        this.namespace = namespace;
        this.root = root.toAbsolutePath();
        this.volumes = new PodVolumes(this.root);
        this.provisioner = new ClaimProvisioner(client, this.root);
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(4, r -> {
            Thread t = new Thread(r, "pod-runner");
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // pending restarts are void once closed
        this.executor = pool;
        this.queue = new WorkQueue(executor, this::reconcile);
    }

    /**
     * Starts a runner for the pods of {@code namespace} (null: every namespace) that match
     * {@code labelSelector} (null: every pod), its files under {@code e2e/target/pod-runner}.
     */
    public static PodRunner start(KubernetesClient client, String namespace, String labelSelector) {
        return start(client, namespace, labelSelector, Path.of("target", "pod-runner"));
    }

    public static PodRunner start(KubernetesClient client, String namespace, String labelSelector, Path root) {
        PodRunner runner = new PodRunner(client, namespace, root);
        Runtime.getRuntime().addShutdownHook(runner.shutdownHook);
        try {
            runner.startInformers(labelSelector);
            return runner;
        } catch (RuntimeException | Error e) {
            runner.close();
            throw e;
        }
    }

    private void startInformers(String labelSelector) {
        // The objects pods refer to first, so that a pod's first reconcile finds them in the caches.
        nodes = inform(client.nodes(), node -> podKeys().forEach(queue::add));
        secrets = inform(scoped(client.secrets()), s -> podsIn(s.getMetadata().getNamespace()).forEach(queue::add));
        configMaps = inform(scoped(client.configMaps()), c -> podsIn(c.getMetadata().getNamespace()).forEach(queue::add));
        claims = inform(scoped(client.persistentVolumeClaims()), this::provideLater);
        var podScope = scoped(client.pods());
        pods = inform(labelSelector == null ? podScope : podScope.withLabelSelector(labelSelector),
                pod -> queue.add(key(pod)));
    }

    private <T extends HasMetadata, L, R extends Resource<T>> FilterWatchListDeletable<T, L, R> scoped(
            MixedOperation<T, L, R> op) {
        return namespace == null ? op.inAnyNamespace() : op.inNamespace(namespace);
    }

    /** Starts an informer (and waits for its first list); every event hands the object to {@code changed}. */
    private <T extends HasMetadata> SharedIndexInformer<T> inform(Informable<T> source, Consumer<T> changed) {
        SharedIndexInformer<T> informer = source.inform(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T obj) {
                changed.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                changed.accept(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                changed.accept(obj);
            }
        }, 0);
        informers.add(informer);
        return informer;
    }

    /** On the executor: creating a volume is an API call, and informer threads must not wait. */
    private void provideLater(PersistentVolumeClaim claim) {
        try {
            executor.execute(() -> provide(claim));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the runner is closing: no more volumes
        }
    }

    private void provide(PersistentVolumeClaim claim) {
        try {
            provisioner.provide(claim);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "pod runner: providing a volume for " + key(claim) + " failed", e);
        }
    }

    /** Registers how to run {@code image} (e.g. {@code physalia-node:1.0.0}); pods waiting for it start. */
    public PodRunner image(String image, ImageLaunch launch) {
        images.put(image, launch);
        podKeys().forEach(queue::add);
        return this;
    }

    // --- what a test asks -------------------------------------------------------------------

    /** Whether the pod's process is running now. */
    public boolean running(String namespace, String pod) {
        PodProcess p = processes.get(namespace + "/" + pod);
        return p != null && p.alive();
    }

    /** The pod's process id, or -1 if it has none running. */
    public long pid(String namespace, String pod) {
        PodProcess p = processes.get(namespace + "/" + pod);
        return p != null && p.alive() ? p.pid() : -1;
    }

    /** How often the current pod (this uid) had its process restarted. */
    public int restarts(String namespace, String pod) {
        PodProcess p = processes.get(namespace + "/" + pod);
        return p == null ? 0 : p.restarts();
    }

    /** The uid of the pod the process runs for, if any. */
    public Optional<String> uid(String namespace, String pod) {
        return Optional.ofNullable(processes.get(namespace + "/" + pod)).map(p -> p.uid);
    }

    /** Why the pod has no process, if its last start failed (unknown image, missing Secret, ...). */
    public Optional<String> failure(String namespace, String pod) {
        return Optional.ofNullable(failures.get(namespace + "/" + pod));
    }

    /** The host path behind a container path of the pod's running process (e.g. its data dir). */
    public Optional<Path> hostPath(String namespace, String pod, String containerPath) {
        return Optional.ofNullable(processes.get(namespace + "/" + pod))
                .map(p -> p.mounts.hostPath(containerPath));
    }

    /** The pod's log file (kept across restarts and incarnations). */
    public Path log(String namespace, String pod) {
        return root.resolve("logs").resolve(namespace + "_" + pod + ".log");
    }

    /** SIGKILLs the pod's process, as a crash would; the runner restarts it after its backoff. */
    public void kill9(String namespace, String pod) {
        PodProcess p = processes.get(namespace + "/" + pod);
        if (p == null || !p.alive()) {
            throw new IllegalStateException(namespace + "/" + pod + " has no running process");
        }
        p.kill9();
    }

    /**
     * SIGKILLs the pod's process and keeps it down until {@link #release}, as a container that
     * crash-loops would be: the pod stays, its process does not come back.
     */
    public void hold(String namespace, String pod) {
        String key = namespace + "/" + pod;
        held.add(key);
        kill9(namespace, pod);
        await(key, "to be down", Duration.ofSeconds(30), () -> !running(namespace, pod));
    }

    /** Lets a held pod's process start again. */
    public void release(String namespace, String pod) {
        String key = namespace + "/" + pod;
        if (held.remove(key)) {
            queue.add(key);
        }
    }

    /** Waits until a process runs for the pod as the API server has it now (its current uid). */
    public long awaitRunning(String namespace, String pod, Duration timeout) {
        String key = namespace + "/" + pod;
        await(key, "to run", timeout, () -> {
            Pod current = pods.getStore().getByKey(key);
            PodProcess p = processes.get(key);
            return current != null && p != null && p.alive() && p.uid.equals(current.getMetadata().getUid());
        });
        return pid(namespace, pod);
    }

    /** Waits until the pod has no process (stopped and not restarted). */
    public void awaitStopped(String namespace, String pod, Duration timeout) {
        String key = namespace + "/" + pod;
        await(key, "to stop", timeout, () -> !processes.containsKey(key));
    }

    private void await(String key, String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + "s waiting for " + key + " " + what
                        + Optional.ofNullable(failures.get(key)).map(f -> "; last start failure: " + f).orElse("")
                        + "; its output is in " + root.resolve("logs"));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    // --- reconciling one pod ------------------------------------------------------------------

    /** Brings the pod's process in line with the pod: runs on the executor, one call per pod at a time. */
    private void reconcile(String key) {
        if (closed) {
            return;
        }
        Pod pod = pods.getStore().getByKey(key);
        PodProcess current = processes.get(key);
        boolean wanted = pod != null && runnable(pod);
        if (current != null && (!wanted || !current.uid.equals(pod.getMetadata().getUid()))) {
            LOG.log(System.Logger.Level.INFO, "pod runner: stopping " + key + " (uid " + current.uid + "): "
                    + (pod == null ? "deleted"
                    : pod.getMetadata().getDeletionTimestamp() != null ? "terminating"
                    : !wanted ? "no longer runnable here (its node is gone, or the pod finished)"
                    : "replaced by uid " + pod.getMetadata().getUid()));
            current.stop();
            processes.remove(key);
            PodVolumes.deleteTree(current.podDir); // as a kubelet removes a gone pod's emptyDirs; claims stay
            current = null;
        }
        if (!wanted) {
            failures.remove(key);
            return;
        }
        try {
            if (current == null) {
                start(key, pod);
            } else if (!current.alive()) {
                if (held.contains(key)) {
                    return; // held down by the test until released
                }
                if (!restartWanted(pod, current.exitCode())) {
                    return; // restartPolicy Never, or OnFailure after a clean exit: the process stays down
                }
                Duration due = current.restartDelay();
                if (due.isZero()) {
                    launch(current, pod);
                } else {
                    queue.addAfter(key, due);
                }
            } else {
                volumes.refresh(pod, objects());
            }
        } catch (PodStartException e) {
            fail(key, e.getMessage());
            queue.addAfter(key, RETRY); // a kubelet retries too; events about the pod or its objects come sooner
        }
    }

    private void start(String key, Pod pod) throws PodStartException {
        if (processes.size() >= MAX_PROCESSES) {
            throw new PodStartException("the pod runner already runs " + MAX_PROCESSES + " processes");
        }
        Container container = pod.getSpec().getContainers().get(0);
        imageOf(container); // before any directory is made for a pod that cannot run
        PodVolumes.Mounts mounts = volumes.prepare(pod, container, objects());
        PodProcess process = new PodProcess(key, pod.getMetadata().getUid(), grace(pod),
                log(pod.getMetadata().getNamespace(), pod.getMetadata().getName()), volumes.podDir(pod), mounts);
        launch(process, pod);
        processes.put(key, process);
    }

    /** Starts or restarts the process: the command, env and args are made afresh, as for a new container. */
    private void launch(PodProcess process, Pod pod) throws PodStartException {
        Container container = pod.getSpec().getContainers().get(0);
        ImageLaunch image = imageOf(container);
        Map<String, String> podEnv = PodEnvironment.environment(pod, container, objects());
        List<String> args = PodEnvironment.arguments(container, podEnv);
        Map<String, String> env = new LinkedHashMap<>();
        for (String inherited : List.of("PATH", "HOME")) {
            String v = System.getenv(inherited);
            if (v != null) {
                env.put(inherited, v);
            }
        }
        env.putAll(image.env());
        podEnv.forEach((k, v) -> env.put(k, process.mounts.rewrite(v)));
        List<String> command = new ArrayList<>(image.entrypoint());
        args.forEach(a -> command.add(process.mounts.rewrite(a)));
        Path workDir = process.podDir;
        try {
            volumes.refresh(pod, objects());
            Files.createDirectories(workDir);
            process.start(command, env, workDir, p -> queue.add(p.key));
        } catch (IOException e) {
            throw new PodStartException("cannot start " + command.get(0) + ": " + e.getMessage());
        }
        if (failures.remove(process.key) != null || process.restarts() == 0) {
            LOG.log(System.Logger.Level.INFO, "pod runner: started " + process.key + " (pid " + process.pid() + ")");
        }
    }

    private ImageLaunch imageOf(Container container) throws PodStartException {
        ImageLaunch image = images.get(container.getImage());
        if (image == null) {
            throw new PodStartException("image " + container.getImage() + " is not known to the pod runner"
                    + " (known: " + images.keySet() + "); register it with PodRunner.image(...)");
        }
        if (container.getCommand() != null && !container.getCommand().isEmpty()) {
            throw new PodStartException("container " + container.getName() + " gives a command " + container.getCommand()
                    + "; the pod runner runs the image's entrypoint with the container's args only");
        }
        return image;
    }

    private void fail(String key, String reason) {
        if (!reason.equals(failures.put(key, reason))) {
            LOG.log(System.Logger.Level.WARNING, "pod runner: cannot start " + key + ": " + reason);
        }
    }

    /** restartPolicy Always (the default, and all a StatefulSet allows) restarts any exit; OnFailure a failing one. */
    private static boolean restartWanted(Pod pod, int exitCode) {
        String policy = pod.getSpec().getRestartPolicy();
        return policy == null || policy.equals("Always") || (policy.equals("OnFailure") && exitCode != 0);
    }

    /** Scheduled to a kwok node, given an IP, not being deleted: what a kubelet would run. */
    private boolean runnable(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null || pod.getSpec().getNodeName() == null
                || pod.getStatus() == null || pod.getStatus().getPodIP() == null || pod.getStatus().getPodIP().isEmpty()) {
            return false;
        }
        String phase = pod.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            return false;
        }
        Node node = nodes.getStore().getByKey(pod.getSpec().getNodeName());
        return node != null && node.getMetadata().getAnnotations() != null
                && "fake".equals(node.getMetadata().getAnnotations().get(ControlPlane.KWOK_NODE));
    }

    /** The pod's grace period for a stop: terminationGracePeriodSeconds (default 30 s), at most 10 s. */
    private static Duration grace(Pod pod) {
        Long seconds = pod.getSpec().getTerminationGracePeriodSeconds();
        Duration d = Duration.ofSeconds(seconds == null ? 30 : seconds);
        return d.compareTo(MAX_GRACE) > 0 ? MAX_GRACE : d;
    }

    private PodObjects objects() {
        return new PodObjects() {
            @Override
            public Secret secret(String ns, String name) {
                return secrets.getStore().getByKey(ns + "/" + name);
            }

            @Override
            public ConfigMap configMap(String ns, String name) {
                return configMaps.getStore().getByKey(ns + "/" + name);
            }

            @Override
            public PersistentVolumeClaim claim(String ns, String name) {
                return claims.getStore().getByKey(ns + "/" + name);
            }
        };
    }

    private List<String> podKeys() {
        return pods == null ? List.of() : pods.getStore().listKeys();
    }

    private List<String> podsIn(String ns) {
        return podKeys().stream().filter(k -> k.startsWith(ns + "/")).toList();
    }

    private static String key(HasMetadata o) {
        return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }

    // --- stopping ---------------------------------------------------------------------------

    /** Stops the informers, then every process (SIGTERM to all, then each waited for up to its grace). */
    @Override
    public void close() {
        stopEverything();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private synchronized void stopEverything() {
        if (closed) {
            return;
        }
        closed = true;
        informers.forEach(SharedIndexInformer::close);
        executor.shutdown(); // queued reconciles see `closed` and return; one in progress finishes its start or stop
        try {
            executor.awaitTermination(MAX_GRACE.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<PodProcess> all = new ArrayList<>(processes.values());
        all.forEach(PodProcess::signalTerm);
        all.forEach(PodProcess::stop);
        processes.clear();
        // The pods' own directories go with their processes (no later runner reuses a pod uid);
        // claims' directories stay, as volumes outlive pods.
        for (PodProcess p : all) {
            try {
                PodVolumes.deleteTree(p.podDir);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "pod runner: cannot remove " + p.podDir + ": " + e.getMessage());
            }
        }
    }

    /**
     * A work queue in the manner of client-go's: a pod's key is queued at most once, and is never
     * reconciled by two threads at once; a key added while it is being reconciled runs again after.
     */
    private static final class WorkQueue {
        private final ScheduledExecutorService executor;
        private final Consumer<String> work;
        private final Set<String> dirty = new HashSet<>();
        private final Set<String> processing = new HashSet<>();

        WorkQueue(ScheduledExecutorService executor, Consumer<String> work) {
            this.executor = executor;
            this.work = work;
        }

        synchronized void add(String key) {
            if (!dirty.add(key) || processing.contains(key)) {
                return;
            }
            submit(key);
        }

        void addAfter(String key, Duration delay) {
            try {
                executor.schedule(() -> add(key), delay.toNanos(), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // the runner is closing
            }
        }

        private void submit(String key) {
            try {
                executor.execute(() -> run(key));
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                dirty.remove(key);
            }
        }

        private void run(String key) {
            synchronized (this) {
                dirty.remove(key);
                processing.add(key);
            }
            try {
                work.accept(key);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "pod runner: reconciling " + key + " failed", e);
            } finally {
                synchronized (this) {
                    processing.remove(key);
                    if (dirty.contains(key)) {
                        submit(key);
                    }
                }
            }
        }
    }
}
