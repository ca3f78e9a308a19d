package io.physalia.e2e.k8s;

import io.physalia.node.local.ChildJvm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the pod runner starts an image on this machine: the local command that stands for the
 * image's entrypoint (the container's {@code args} follow it) and the environment the image would
 * set. A container that gives its own {@code command} is refused: the image's files do not exist
 * on the host, so there is nothing its command could name.
 */
public record ImageLaunch(List<String> entrypoint, Map<String, String> env) {
    /** The node image's main class. */
    public static final String NODE_MAIN = "io.physalia.node.NodeMain";

    public ImageLaunch {
        if (entrypoint.isEmpty()) {
            throw new IllegalArgumentException("an image launch needs a command");
        }
        entrypoint = List.copyOf(entrypoint);
        env = Map.copyOf(env);
    }

    /** A Java main class run by this JVM's {@code java} on the given class path. */
    public static ImageLaunch java(String classPath, String mainClass, List<String> jvmOptions, List<String> leadingArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ChildJvm.javaBin());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.addAll(leadingArgs);
        return new ImageLaunch(cmd, Map.of());
    }

    /**
     * The Physalia node image: {@code NodeMain} on this JVM's class path (the e2e tests depend on
     * physalia-node), with the small-heap options the local colony uses and {@code --parent-pid}
     * of this JVM, so a node exits by itself if the test JVM dies without cleaning up.
     */
    public static ImageLaunch physaliaNode() {
        return java(System.getProperty("java.class.path"), NODE_MAIN,
                List.of("-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m",
                        "--enable-native-access=ALL-UNNAMED"), // MapDB loads native code; no warning on stderr
                List.of("--parent-pid", Long.toString(ProcessHandle.current().pid())));
    }
}
