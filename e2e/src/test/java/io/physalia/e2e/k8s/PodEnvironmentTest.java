package io.physalia.e2e.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expansion and mount-path rewriting, case by case (Kubernetes' expansion tests as the reference). */
class PodEnvironmentTest {
    private static final Map<String, String> VARS = Map.of("VAR_A", "A", "VAR_B", "B", "EMPTY", "");

    private static String expand(String s) {
        return PodEnvironment.expand(s, VARS::get);
    }

    @Test
    void expandsKnownReferencesAndKeepsEverythingElseAsWritten() {
        assertEquals("A", expand("$(VAR_A)"));
        assertEquals("___A_B___", expand("___$(VAR_A)_$(VAR_B)___"));
        assertEquals("", expand("$(EMPTY)"));
        assertEquals("$(VAR_C)", expand("$(VAR_C)"), "an unknown reference stays");
        assertEquals("$(VAR_A)", expand("$$(VAR_A)"), "$$ escapes");
        assertEquals("$A", expand("$$$(VAR_A)"));
        assertEquals("$$", expand("$$$$"));
        assertEquals("$(VAR_A", expand("$(VAR_A"), "an unclosed reference stays");
        assertEquals("$VAR_A", expand("$VAR_A"), "only $(...) is a reference");
        assertEquals("foo$", expand("foo$"));
        assertEquals("$()", expand("$()"), "$() names the empty name, which is unknown");
    }

    @Test
    void pathsUnderAMountAreRewrittenToTheHostDirectory() {
        var mounts = new PodVolumes.Mounts(Map.of("/var/lib/physalia", Path.of("/host/claim"),
                "/etc/physalia", Path.of("/host/config"), "/etc/physalia/keys", Path.of("/host/keys")));
        assertEquals("/host/claim", mounts.rewrite("/var/lib/physalia"));
        assertEquals("/host/claim/sub/file", mounts.rewrite("/var/lib/physalia/sub/file"));
        assertEquals("--data-dir=/host/claim", mounts.rewrite("--data-dir=/var/lib/physalia"));
        assertEquals("--key-file=/host/keys/keys.properties", mounts.rewrite("--key-file=/etc/physalia/keys/keys.properties"),
                "the longest mount wins");
        assertEquals("/host/config/node.conf", mounts.rewrite("/etc/physalia/node.conf"));
        assertEquals("/var/lib/physalia-other", mounts.rewrite("/var/lib/physalia-other"), "a prefix is not a parent");
        assertEquals("name=/var/lib/physalia", mounts.rewrite("name=/var/lib/physalia"), "only --flag=value splits");
    }
}
