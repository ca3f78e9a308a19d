package io.physalia.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The client speaks the nodes' HTTP API: it shares the data model with core, not the replica. */
class ClientBoundaryTest {
    @Test
    void theClientNeverReachesIntoTheReplica() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.physalia.core.paxos..", "io.physalia.core.driver..")
                .because("a client that used replica internals would break when a node's version differs from its own")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.physalia.client"));
    }
}
