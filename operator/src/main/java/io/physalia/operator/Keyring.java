package io.physalia.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.physalia.client.admin.ColonyKeys;
import io.physalia.crds.Colony;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The colony's keyring: one Secret holding the key file every node mounts (HMAC keys for the
 * frames between nodes; the admin token derives from the signing key). The operator creates it
 * once with a fresh random key and never overwrites it: a new key is a rotation, not a
 * replacement (docs/node.md).
 */
public final class Keyring {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Keyring() {}

    /** A new keyring Secret for the colony, owned by it, with one random key. */
    public static Secret create(Colony colony) {
        byte[] key = new byte[ColonyKeys.KEY_BYTES];
        RANDOM.nextBytes(key);
        String text = ColonyKeys.firstKeyText(key);
        return new SecretBuilder()
                .withNewMetadata().withName(Names.keyring(colony)).withNamespace(colony.getMetadata().getNamespace())
                    .withLabels(Map.of(Names.COLONY_LABEL, colony.getMetadata().getName(), Names.MANAGED_BY_LABEL, Names.MANAGED_BY))
                    .withOwnerReferences(ColorResources.owner(colony))
                .endMetadata()
                .withType("Opaque")
                .withData(Map.of(Names.KEY_FILE_KEY, Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8))))
                .build();
    }

    /** The keys in a keyring Secret; throws naming the Secret when it holds no valid key file. */
    public static ColonyKeys read(Secret secret) throws IOException {
        String where = "Secret " + secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName() + " key " + Names.KEY_FILE_KEY;
        String encoded = secret.getData() == null ? null : secret.getData().get(Names.KEY_FILE_KEY);
        if (encoded == null) {
            throw new IOException(where + " is missing");
        }
        String text;
        try {
            text = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IOException(where + " is not base64");
        }
        return ColonyKeys.parse(text, where);
    }
}
