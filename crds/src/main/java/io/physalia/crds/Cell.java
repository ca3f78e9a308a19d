package io.physalia.crds;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.physalia.core.cell.CellLimits;

/**
 * A cell: one tiny Multi-Paxos database, its partition key being {@code metadata.name}. The user
 * creates it; the operator places it on nodes of one color and reports its members.
 */
@Group(Colony.GROUP)
@Version(Colony.VERSION)
@Plural("cells")
@ShortNames("pcell")
@Categories(Colony.CATEGORY)
// Kubernetes allows 253 characters in a name; the engine's cell names stop at 128.
@ValidationRule(value = "size(self.metadata.name) <= " + CellLimits.CELL_NAME_MAX_LENGTH,
        message = "metadata.name must be at most " + CellLimits.CELL_NAME_MAX_LENGTH + " characters (a cell name)")
@AdditionalPrinterColumn(name = "Color", jsonPath = ".status.color", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Row", jsonPath = ".status.row", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Members", jsonPath = ".status.membersReady", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Leader", jsonPath = ".status.leader", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Cell extends CustomResource<CellSpec, CellStatus> implements Namespaced {
}
