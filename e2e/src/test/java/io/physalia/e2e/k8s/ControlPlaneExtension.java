package io.physalia.e2e.k8s;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a {@link ControlPlane} parameter. One control plane is started per test run and kept
 * in the root store, so JUnit closes it when the run ends, whether the tests passed or failed.
 */
public final class ControlPlaneExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ControlPlane.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.create(ControlPlaneExtension.class))
                .getOrComputeIfAbsent("control-plane", key -> new Resource(start()), Resource.class)
                .plane();
    }

    private static ControlPlane start() {
        Path workDir = Path.of("target", "k8s-control-plane").toAbsolutePath();
        return ControlPlane.start(workDir);
    }

    /** Closed by JUnit when the root context closes. */
    record Resource(ControlPlane plane) implements AutoCloseable {
        @Override
        public void close() {
            plane.close();
        }
    }
}
