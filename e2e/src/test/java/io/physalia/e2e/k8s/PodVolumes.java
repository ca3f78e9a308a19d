package io.physalia.e2e.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The host directories behind a pod's volume mounts, under the runner's root:
 * <ul>
 *   <li>{@code secret} and {@code configMap}: {@code pods/<ns>_<pod>_<uid>/volumes/<volume>}, one
 *       file per key (or per {@code items} entry), rewritten when the object changes;
 *   <li>{@code emptyDir}: {@code pods/<ns>_<pod>_<uid>/volumes/<volume>}, fresh for each pod;
 *   <li>{@code persistentVolumeClaim} (a StatefulSet's claim templates included):
 *       {@code claims/<ns>_<claim>_<claim uid>}, kept for as long as the claim exists, so a
 *       recreated pod finds its data as it would on a volume;
 *   <li>{@code hostPath}: the path itself (the process runs on the host).
 * </ul>
 * Everything under {@code pods/<ns>_<pod>_<uid>} goes when the pod's process is stopped for good,
 * as a kubelet removes a deleted pod's emptyDirs.
 */
final class PodVolumes {
    private final Path root;

    PodVolumes(Path root) {
        this.root = root;
    }

    /** The directory that stands for a claim's volume (also the hostPath of the volume the runner provides for it). */
    static Path claimDir(Path root, PersistentVolumeClaim claim) {
        var m = claim.getMetadata();
        return root.resolve("claims").resolve(m.getNamespace() + "_" + m.getName() + "_" + m.getUid());
    }

    Path podDir(Pod pod) {
        var m = pod.getMetadata();
        return root.resolve("pods").resolve(m.getNamespace() + "_" + m.getName() + "_" + m.getUid());
    }

    /** The container's mounts as host paths (volumes materialized), or why they cannot be. */
    Mounts prepare(Pod pod, Container container, PodObjects objects) throws PodStartException {
        Map<String, Volume> volumes = new LinkedHashMap<>();
        for (Volume v : list(pod.getSpec().getVolumes())) {
            volumes.put(v.getName(), v);
        }
        Map<String, Path> mounts = new LinkedHashMap<>();
        for (VolumeMount mount : list(container.getVolumeMounts())) {
            Volume volume = volumes.get(mount.getName());
            if (volume == null) {
                throw new PodStartException("volumeMount " + mount.getName() + ": no volume of that name in the pod");
            }
            Path dir = volumeDir(pod, volume, objects);
            String sub = mount.getSubPath();
            mounts.put(stripSlash(mount.getMountPath()), sub == null || sub.isEmpty() ? dir : dir.resolve(sub));
        }
        return new Mounts(mounts);
    }

    /** Rewrites the pod's secret and configMap files whose objects changed since they were written. */
    void refresh(Pod pod, PodObjects objects) throws PodStartException {
        for (Volume v : list(pod.getSpec().getVolumes())) {
            if (v.getSecret() != null || v.getConfigMap() != null) {
                volumeDir(pod, v, objects);
            }
        }
    }

    /** Removes the pod's own directories (not its claims'). */
    void remove(Pod pod) {
        deleteTree(podDir(pod));
    }

    private Path volumeDir(Pod pod, Volume volume, PodObjects objects) throws PodStartException {
        String ns = pod.getMetadata().getNamespace();
        Path own = podDir(pod).resolve("volumes").resolve(volume.getName());
        try {
            if (volume.getSecret() != null) {
                var src = volume.getSecret();
                Secret secret = objects.secret(ns, src.getSecretName());
                if (secret == null && !Boolean.TRUE.equals(src.getOptional())) {
                    throw new PodStartException("volume " + volume.getName() + ": secret \"" + src.getSecretName() + "\" not found");
                }
                Map<String, byte[]> data = new LinkedHashMap<>();
                if (secret != null) {
                    if (secret.getData() != null) {
                        secret.getData().forEach((k, b64) -> data.put(k, Base64.getDecoder().decode(b64)));
                    }
                    if (secret.getStringData() != null) {
                        secret.getStringData().forEach((k, s) -> data.put(k, s.getBytes(StandardCharsets.UTF_8)));
                    }
                }
                materialize(own, volume.getName(), data, src.getItems(), src.getDefaultMode(), src.getOptional());
                return own;
            }
            if (volume.getConfigMap() != null) {
                var src = volume.getConfigMap();
                ConfigMap map = objects.configMap(ns, src.getName());
                if (map == null && !Boolean.TRUE.equals(src.getOptional())) {
                    throw new PodStartException("volume " + volume.getName() + ": configmap \"" + src.getName() + "\" not found");
                }
                Map<String, byte[]> data = new LinkedHashMap<>();
                if (map != null) {
                    if (map.getData() != null) {
                        map.getData().forEach((k, s) -> data.put(k, s.getBytes(StandardCharsets.UTF_8)));
                    }
                    if (map.getBinaryData() != null) {
                        map.getBinaryData().forEach((k, b64) -> data.put(k, Base64.getDecoder().decode(b64)));
                    }
                }
                materialize(own, volume.getName(), data, src.getItems(), src.getDefaultMode(), src.getOptional());
                return own;
            }
            if (volume.getEmptyDir() != null) {
                return Files.createDirectories(own);
            }
            if (volume.getPersistentVolumeClaim() != null) {
                String claimName = volume.getPersistentVolumeClaim().getClaimName();
                PersistentVolumeClaim claim = objects.claim(ns, claimName);
                if (claim == null) {
                    throw new PodStartException("volume " + volume.getName() + ": persistentvolumeclaim \"" + claimName + "\" not found");
                }
                return Files.createDirectories(claimDir(root, claim));
            }
            if (volume.getHostPath() != null) {
                return Path.of(volume.getHostPath().getPath());
            }
        } catch (IOException e) {
            throw new PodStartException("volume " + volume.getName() + ": " + e);
        }
        throw new PodStartException("volume " + volume.getName() + ": only secret, configMap, emptyDir,"
                + " persistentVolumeClaim and hostPath volumes are supported by the pod runner");
    }

    /**
     * Writes one file per key (or per item), each through a temporary file and a rename so that a
     * reader sees the old content or the new, never half of one; unchanged files are left alone
     * and files for keys that went away are removed.
     */
    private static void materialize(Path dir, String volume, Map<String, byte[]> data, List<KeyToPath> items,
                                    Integer defaultMode, Boolean optional) throws IOException, PodStartException {
        Files.createDirectories(dir);
        Map<Path, byte[]> files = new LinkedHashMap<>();
        Map<Path, Integer> modes = new LinkedHashMap<>();
        if (items == null || items.isEmpty()) {
            data.forEach((k, v) -> files.put(dir.resolve(k), v));
        } else {
            for (KeyToPath item : items) {
                byte[] v = data.get(item.getKey());
                if (v == null) {
                    if (Boolean.TRUE.equals(optional)) {
                        continue;
                    }
                    throw new PodStartException("volume " + volume + ": key " + item.getKey() + " not found");
                }
                Path file = dir.resolve(item.getPath()).normalize();
                if (!file.startsWith(dir)) {
                    throw new PodStartException("volume " + volume + ": item path " + item.getPath() + " leaves the volume");
                }
                files.put(file, v);
                if (item.getMode() != null) {
                    modes.put(file, item.getMode());
                }
            }
        }
        int mode = defaultMode == null ? 0644 : defaultMode;
        for (Map.Entry<Path, byte[]> f : files.entrySet()) {
            Path file = f.getKey();
            if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), f.getValue())) {
                continue;
            }
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.write(tmp, f.getValue());
            setMode(tmp, modes.getOrDefault(file, mode));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + tmp + " over " + file + " atomically", e);
            }
        }
        List<Path> stale = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).filter(p -> !files.containsKey(p)).forEach(stale::add);
        }
        for (Path p : stale) {
            Files.deleteIfExists(p);
        }
    }

    private static void setMode(Path file, int mode) throws IOException {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                perms.add(bits[i]);
            }
        }
        // The runner must be able to rewrite and remove the file whatever mode the pod asked for.
        perms.add(PosixFilePermission.OWNER_READ);
        perms.add(PosixFilePermission.OWNER_WRITE);
        Files.setPosixFilePermissions(file, perms);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }

    private static String stripSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }

    /**
     * A container's mount paths and the host paths behind them. Since the process does not run in
     * a container, a path the pod spells under a mount path is rewritten to the host path.
     */
    record Mounts(Map<String, Path> byMountPath) {
        Mounts {
            byMountPath = Map.copyOf(byMountPath);
        }

        /** The host path for a container path, or null if no mount covers it. */
        Path hostPath(String containerPath) {
            String best = null;
            for (String mount : byMountPath.keySet()) {
                if (covers(mount, containerPath) && (best == null || mount.length() > best.length())) {
                    best = mount;
                }
            }
            if (best == null) {
                return null;
            }
            String rest = containerPath.substring(best.length());
            Path host = byMountPath.get(best);
            return rest.isEmpty() || rest.equals("/") ? host : host.resolve(rest.substring(1));
        }

        /**
         * {@code value} with a leading container path (the whole value, or the part after the
         * first '=' of a {@code --flag=value} argument) replaced by its host path.
         */
        String rewrite(String value) {
            Path whole = hostPath(value);
            if (whole != null) {
                return whole.toString();
            }
            int eq = value.indexOf('=');
            if (value.startsWith("-") && eq > 0) {
                Path after = hostPath(value.substring(eq + 1));
                if (after != null) {
                    return value.substring(0, eq + 1) + after;
                }
            }
            return value;
        }

        private static boolean covers(String mount, String path) {
            return path.equals(mount) || path.startsWith(mount.endsWith("/") ? mount : mount + "/");
        }
    }
}
