package io.physalia.cli;

import io.physalia.node.local.FreePorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.node.local.LocalColony;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local control plane's endpoint refuses bad input with a reason, without any node running. */
class ColonyControlEndpointTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void badRequestsAreRefusedWithTheReason(@TempDir Path dir) throws Exception {
        LocalColony colony = new LocalColony(dir, LocalColony.freePorts(12));
        int port = FreePorts.ports(1)[0];
        try (ColonyControl control = new ColonyControl(colony, 2, 2, 3, line -> { })) {
            control.start(port);
            expect(port, "POST", "/cells/demo?client-rack=r9-k1", 400, "no rack 'r9-k1' (racks: [r1-k1, r1-k2, r1-k3, r2-k1, r2-k2, r2-k3])");
            expect(port, "POST", "/cells/demo", 400, "give the clients' racks");
            expect(port, "POST", "/cells/demo?client-rack=r1-k1&size=4", 400, "size must be odd, from 3 to 15; got 4");
            expect(port, "POST", "/cells/demo?client-rack=r1-k1&size=x", 400, "size must be a number");
            expect(port, "POST", "/cells/demo?client-rack=r1-k1&color=mauve", 400, "no node has color 'mauve' (colors: [blue, green])");
            expect(port, "POST", "/cells/-demo?client-rack=r1-k1", 400, "cell name '-demo' must be 1-128 letters");
            expect(port, "POST", "/cells/nope/clients?client-rack=r1-k1", 400, "no cell 'nope' known to the control plane");
            expect(port, "POST", "/nodes/n99/start", 400, "no node 'n99'");
            expect(port, "GET", "/cells", 404, "routes: GET /status");
            Thread.sleep(600); // the loop has seen that no node process runs
            expect(port, "POST", "/cells/demo?client-rack=r1-k1", 409, "only 0 of 3 nodes of color");
            expect(port, "GET", "/status", 200, "UNHEALTHY no process");
        }
    }

    @Test
    void aDamagedStateFileStopsTheLauncherWithTheFileNamed(@TempDir Path dir) throws Exception {
        LocalColony colony = new LocalColony(dir, LocalColony.freePorts(12));
        Files.writeString(dir.resolve(ControlStateFile.NAME), "{\"format\": 1");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new ColonyControl(colony, 2, 2, 3, line -> { }));
        assertTrue(e.getMessage().contains(dir.resolve(ControlStateFile.NAME).toAbsolutePath().toString())
                && e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    private void expect(int port, String method, String path, int status, String text) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, r.statusCode(), method + " " + path + ": " + r.body());
        assertTrue(r.body().contains(text), method + " " + path + ": " + r.body());
    }
}
