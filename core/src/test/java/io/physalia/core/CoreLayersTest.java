package io.physalia.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

/**
 * The layers inside {@code core} (docs/architecture.md): the key-value store at the bottom, the
 * cell's state machine on it, the replica (paxos) and the wire format on both, and the driver on
 * top. A lower layer never reaches up.
 */
class CoreLayersTest {
    private final JavaClasses core = CoreClasses.get();

    @Test
    void theKeyValueStoreKnowsNothingAboveIt() {
        noClasses().that().resideInAPackage("io.physalia.core.kv..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.physalia.core.cell..", "io.physalia.core.paxos..", "io.physalia.core.wire..", "io.physalia.core.driver..")
                .because("a transaction's meaning does not depend on how it is replicated")
                .check(core);
    }

    @Test
    void theCellStateMachineKnowsNothingOfConsensusOrTheWire() {
        noClasses().that().resideInAPackage("io.physalia.core.cell..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.physalia.core.paxos..", "io.physalia.core.wire..", "io.physalia.core.driver..")
                .because("applying a chosen command is the same on every replica, however it was chosen")
                .check(core);
    }

    @Test
    void onlyTheDriverKnowsTheDriver() {
        noClasses().that().resideOutsideOfPackage("io.physalia.core.driver..")
                .should().dependOnClassesThat().resideInAPackage("io.physalia.core.driver..")
                .because("the replica is a pure step function; the driver sits above it and its ports below the hosts")
                .check(core);
    }
}
