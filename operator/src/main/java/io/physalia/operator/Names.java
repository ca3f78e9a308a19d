package io.physalia.operator;

import io.physalia.crds.Colony;

/**
 * The names and labels of everything the operator creates for a colony, in one place: the
 * reconcilers that create them, the runtime that finds the node pods, and the tests agree.
 */
public final class Names {
    public static final String COLONY_LABEL = "physalia.io/colony";
    public static final String COLOR_LABEL = "physalia.io/color";
    public static final String VERSION_LABEL = "physalia.io/version";
    public static final String APP_LABEL = "app.kubernetes.io/name";
    public static final String APP = "physalia-node";
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "physalia-operator";
    /** The big red button as an annotation on the Colony, for when editing its spec is not an option. */
    public static final String PAUSED_ANNOTATION = "physalia.io/paused";
    /** The key of the key file inside the colony's keyring Secret. */
    public static final String KEY_FILE_KEY = "keys.properties";
    /** The key of the node config file inside the node-settings ConfigMap. */
    public static final String NODE_CONFIG_KEY = "node.conf";

    private Names() {}

    /** The Color resource, the StatefulSet, its headless Service and its PDB of one color. */
    public static String color(String colony, String color) {
        return colony + "-" + color;
    }

    public static String keyring(String colony) {
        return colony + "-keys";
    }

    /** The ConfigMap holding every node's config file (the Colony's spec.nodeSettings). */
    public static String nodeSettings(String colony) {
        return colony + "-node-settings";
    }

    public static String keyring(Colony colony) {
        return keyring(colony.getMetadata().getName());
    }
}
