package io.physalia.crds;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A colony: the fleet of Physalia nodes of one namespace, split into colors, and the policy the
 * operator follows for it (cell defaults, rate limits, rollouts, the big red button).
 */
@Group(Colony.GROUP)
@Version(Colony.VERSION)
@Plural("colonies")
@ShortNames("pcolony")
@Categories(Colony.CATEGORY)
@AdditionalPrinterColumn(name = "Version", jsonPath = ".spec.version", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Colors", jsonPath = ".spec.colors", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Cells", jsonPath = ".status.cells.total", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Paused", jsonPath = ".spec.paused", type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Colony extends CustomResource<ColonySpec, ColonyStatus> implements Namespaced {
    public static final String GROUP = "physalia.io";
    public static final String VERSION = "v1alpha1";
    /** `kubectl get physalia` lists every Physalia resource of a namespace. */
    public static final String CATEGORY = "physalia";

    /** Overridden only to mark spec required: a Colony without one means nothing. */
    @Override
    @Required
    public ColonySpec getSpec() {
        return super.getSpec();
    }
}
