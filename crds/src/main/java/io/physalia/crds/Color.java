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
 * One color of a colony: a StatefulSet of nodes whose cells never span colors, rolled out as a
 * unit. The operator creates one per color of the Colony, named {@code <colony>-<color>} and owned by
 * the Colony. Has a scale subresource, so {@code kubectl scale pcolor/...} works.
 */
@Group(Colony.GROUP)
@Version(Colony.VERSION)
@Plural("colors")
@ShortNames("pcolor")
@Categories(Colony.CATEGORY)
@AdditionalPrinterColumn(name = "Color", jsonPath = ".spec.color", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Version", jsonPath = ".status.version", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Paused", jsonPath = ".status.paused", type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Color extends CustomResource<ColorSpec, ColorStatus> implements Namespaced {
    /** Overridden only to mark spec required: a Color without one means nothing. */
    @Override
    @Required
    public ColorSpec getSpec() {
        return super.getSpec();
    }
}
