package io.physalia.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.physalia.crds.Colony;
import io.physalia.crds.ColonySpec;
import io.physalia.crds.Color;
import io.physalia.crds.ColorSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColorResourcesTest {
    static Colony colony() {
        Colony c = new Colony();
        c.setMetadata(new ObjectMetaBuilder().withName("prod").withNamespace("ns").withUid("u1").build());
        ColonySpec s = new ColonySpec();
        s.setImage("registry.example/physalia-node");
        s.setVersion("1.2.0");
        s.setColors(List.of("blue", "green"));
        c.setSpec(s);
        return c;
    }

    static Color color(String version) {
        Color c = new Color();
        c.setMetadata(new ObjectMetaBuilder().withName("prod-blue").withNamespace("ns").withUid("u2").build());
        ColorSpec s = new ColorSpec();
        s.setColony("prod");
        s.setColor("blue");
        s.setReplicas(7);
        s.setVersion(version);
        c.setSpec(s);
        return c;
    }

    @Test
    void theStatefulSetRunsTheColorsVersionOnDeleteWithNoListOfPeers() {
        StatefulSet sts = ColorResources.statefulSet(colony(), color(null));
        assertEquals("prod-blue", sts.getMetadata().getName());
        assertEquals("OnDelete", sts.getSpec().getUpdateStrategy().getType());
        var container = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("registry.example/physalia-node:1.2.0", container.getImage());
        assertTrue(container.getArgs().containsAll(List.of("--name", "$(POD_NAME)", "--bind", "$(POD_IP)", "--colony", "prod")));
        assertTrue(container.getArgs().stream().noneMatch(a -> a.startsWith("--peers")), "peers come from the operator: " + container.getArgs());
        assertEquals("1.2.0", sts.getSpec().getTemplate().getMetadata().getLabels().get(Names.VERSION_LABEL));
        assertEquals("prod-blue", sts.getMetadata().getOwnerReferences().get(0).getName());
        assertEquals("DoNotSchedule", sts.getSpec().getTemplate().getSpec().getTopologySpreadConstraints().get(0).getWhenUnsatisfiable());
    }

    @Test
    void theNodeSettingsBecomeEveryNodesConfigFileNamedByItsEnvironment() {
        Colony colony = colony();
        colony.getSpec().setNodeSettings(java.util.Map.of("log-segment-bytes", "16m", "checkpoint-log-bytes", "256m"));
        var cm = ColorResources.nodeSettings(colony);
        assertEquals("prod-node-settings", cm.getMetadata().getName());
        assertEquals("prod", cm.getMetadata().getOwnerReferences().get(0).getName(), "owned by the Colony");
        List<String> lines = cm.getData().get(Names.NODE_CONFIG_KEY).lines().toList();
        assertEquals(List.of("checkpoint-log-bytes = 256m", "log-segment-bytes = 16m"), lines.subList(1, lines.size()), "sorted, after a comment");
        assertTrue(lines.get(0).startsWith("#"), lines.get(0));
        colony.getSpec().setNodeSettings(null);
        assertEquals(1, ColorResources.nodeSettings(colony).getData().get(Names.NODE_CONFIG_KEY).lines().count(), "no settings: the comment only");

        var pod = ColorResources.statefulSet(colony(), color(null)).getSpec().getTemplate().getSpec();
        var container = pod.getContainers().get(0);
        assertTrue(container.getEnv().stream().anyMatch(e -> e.getName().equals("PHYSALIA_CONFIG")
                && e.getValue().equals(ColorResources.CONFIG_MOUNT + "/" + Names.NODE_CONFIG_KEY)), container.getEnv().toString());
        assertTrue(pod.getVolumes().stream().anyMatch(v -> v.getConfigMap() != null && v.getConfigMap().getName().equals("prod-node-settings")));
        assertTrue(container.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals(ColorResources.CONFIG_MOUNT) && m.getReadOnly()));
    }

    @Test
    void aColorsOwnVersionOverridesTheColonys() {
        assertEquals("registry.example/physalia-node:1.3.0-rc1",
                ColorResources.statefulSet(colony(), color("1.3.0-rc1")).getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    }

    @Test
    void theDisruptionBudgetAllowsOneNodeOfTheColorDownOnlyWhenOpen() {
        var pdb = ColorResources.disruptionBudget(colony(), color(null), true);
        assertEquals(1, pdb.getSpec().getMaxUnavailable().getIntVal());
        assertEquals(0, ColorResources.disruptionBudget(colony(), color(null), false).getSpec().getMaxUnavailable().getIntVal());
        assertEquals(ColorResources.selector("prod", "blue"), pdb.getSpec().getSelector().getMatchLabels());
    }
}
