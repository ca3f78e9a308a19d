package io.physalia.controlplane;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The engine and the topology library are pure: time arrives as {@code now} arguments and
 * randomness as a generator passed in, so a seed replays a run. No threads, I/O or wall clocks.
 * The package {@code io.physalia.controlplane.runtime}, which drives the engine on real nodes for
 * both adapters, is the exception, and nothing pure may depend on it.
 */
class ControlPlanePurityTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // the runtime drives the engine on real nodes (threads, HTTP): the one impure package
            .withImportOption(location -> !location.contains("/io/physalia/controlplane/runtime/"))
            .importPackages("io.physalia.controlplane", "io.physalia.topology");

    @Test
    void noWallClocksSleepingOrGlobalRandomness() {
        noClasses().should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().dependOnClassesThat().resideInAnyPackage("java.time..")
                .orShould().callMethod(Thread.class, "sleep", long.class)
                .orShould().callMethod(Math.class, "random")
                .orShould().callConstructor(java.util.Random.class)
                .orShould().callConstructor(java.util.SplittableRandom.class)
                .orShould().dependOnClassesThat().areAssignableTo(java.security.SecureRandom.class)
                .orShould().dependOnClassesThat().areAssignableTo(java.util.UUID.class)
                .because("time and randomness are arguments, so runs are deterministic")
                .check(CLASSES);
    }

    @Test
    void noThreadsOrIo() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "java.util.concurrent..", "java.net..", "java.nio..", "java.io..")
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .because("the engine is driven by its caller; the operator and the local colony do the I/O")
                .check(CLASSES);
    }

    @Test
    void theEngineDoesNotDependOnItsRuntime() {
        noClasses().should().dependOnClassesThat().resideInAPackage("io.physalia.controlplane.runtime..")
                .because("the runtime drives the engine, never the other way round")
                .check(CLASSES);
    }

    /** Placement and repair reason about members and nodes, never about how a cell reaches consensus. */
    @Test
    void theEngineKnowsMembersNotConsensus() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "io.physalia.core.paxos..", "io.physalia.core.driver..", "io.physalia.core.wire..", "io.physalia.core.kv..")
                .because("the control plane sees cells through their members and the nodes' admin answers")
                .check(CLASSES);
    }
}
