package io.physalia.operator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The operator is a thin adapter: the control plane's decisions come from {@code controlplane},
 * and it reaches nodes only through the typed admin client ({@code io.physalia.client.admin}).
 */
class OperatorBoundaryTest {
    @Test
    void theOperatorTalksToNodesOnlyThroughTheAdminClient() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "io.physalia.core.paxos..", "io.physalia.core.driver..", "io.physalia.core.wire..", "io.physalia.core.kv..")
                .because("cells are driven by their nodes; the operator only asks them, through their admin API")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.physalia.operator"));
    }
}
