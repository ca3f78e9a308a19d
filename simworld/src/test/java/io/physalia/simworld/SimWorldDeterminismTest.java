package io.physalia.simworld;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.Context;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.paxos.Replica;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The build rule behind "the seed replays the run": SimWorld code reads no real clock, starts
 * no threads and draws randomness only through {@link SimRandom}.
 */
class SimWorldDeterminismTest {
    private static JavaClasses simworld;

    @BeforeAll
    static void importSimWorld() {
        simworld = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.physalia.simworld");
    }

    @Test
    void noRealTime() {
        noClasses().should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().dependOnClassesThat().areAssignableTo(java.time.Clock.class)
                .orShould().dependOnClassesThat().areAssignableTo(java.time.Instant.class)
                .orShould().callMethod(Thread.class, "sleep", long.class)
                .because("simulated time is the scheduler's, nothing else")
                .check(simworld);
    }

    @Test
    void noThreads() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("java.util.concurrent..")
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .because("a simulation runs on one thread, in one order")
                .check(simworld);
    }

    @Test
    void randomnessOnlyThroughSimRandom() {
        noClasses().that().doNotHaveFullyQualifiedName(SimRandom.class.getName())
                .should().dependOnClassesThat().areAssignableTo(java.util.SplittableRandom.class)
                .orShould().dependOnClassesThat().areAssignableTo(java.util.Random.class)
                .orShould().callMethod(Math.class, "random")
                .orShould().dependOnClassesThat().areAssignableTo(java.util.UUID.class)
                .because("one seed must determine every random choice")
                .check(simworld);
    }

    @Test
    void onlySeedSelectionReadsSystemProperties() {
        noClasses().that().doNotHaveFullyQualifiedName(SimSeeds.class.getName())
                .should().callMethod(System.class, "getProperty", String.class)
                .orShould().callMethod(System.class, "getenv", String.class)
                .check(simworld);
    }

    @Test
    void noIdentityHashes() {
        noClasses().should().callMethod(System.class, "identityHashCode", Object.class)
                .because("identity hashes differ between runs")
                .check(simworld);
    }

    /**
     * SimWorld proves the rule production runs: its nodes step replicas only through core's
     * {@code ReplicaDriver}, as the node does. The explorer is the exception: it enumerates
     * interleavings of single steps, persisting and releasing by itself, on purpose.
     */
    @Test
    void simulatedNodesStepReplicasOnlyThroughTheSharedDriver() {
        noClasses().that().resideOutsideOfPackage("io.physalia.simworld.explore..")
                .should().callMethod(Replica.class, "onMessage", Envelope.class, Context.class)
                .orShould().callMethod(Replica.class, "onClientRequest", ClientRequest.class, Context.class)
                .orShould().callMethod(Replica.class, "onWakeup", Context.class)
                .orShould().callMethod(Replica.class, "start", Context.class)
                .because("a second driver in the simulator would test a rule production does not run")
                .check(simworld);
    }
}
