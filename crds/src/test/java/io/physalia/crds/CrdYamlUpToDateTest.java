package io.physalia.crds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed CRD YAML (at the module root, for {@code kubectl apply -f crds/}) is what the Java
 * model generates now. After changing the model, regenerate with
 * {@code ./mvnw -B -ntp -pl crds verify -Dcrds.regenerate=true} and commit the YAML.
 */
class CrdYamlUpToDateTest {
    static final String REGENERATE = "./mvnw -B -ntp -pl crds verify -Dcrds.regenerate=true";

    @Test
    void committedYamlIsWhatTheModelGenerates(@TempDir Path generated) throws IOException {
        Path moduleDir = CrdFiles.moduleDir();
        CrdYamlGenerator.generate(generated);
        if (Boolean.getBoolean("crds.regenerate")) {
            for (String file : CrdYamlGenerator.FILES) {
                Files.copy(generated.resolve(file), moduleDir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        for (String file : CrdYamlGenerator.FILES) {
            Path committed = moduleDir.resolve(file);
            assertTrue(Files.exists(committed), committed + " is missing; generate it with: " + REGENERATE);
            assertEquals(Files.readString(generated.resolve(file)), Files.readString(committed),
                    committed + " differs from what the model generates; regenerate with: " + REGENERATE);
        }
    }

    /** `kubectl apply -f crds/` applies every YAML file there: only the generated CRDs may sit there. */
    @Test
    void moduleRootHoldsNoOtherYaml() throws IOException {
        try (Stream<Path> files = Files.list(CrdFiles.moduleDir())) {
            List<String> yaml = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yml") || n.endsWith(".yaml") || n.endsWith(".json"))
                    .sorted().toList();
            assertEquals(CrdYamlGenerator.FILES.stream().sorted().toList(), yaml,
                    "crds/ must hold only the generated CRDs, since kubectl apply -f crds/ applies them all");
        }
    }
}
