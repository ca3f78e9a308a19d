package io.physalia.monitoring;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** monitoring/dashboard.json: its panels' queries, and the variables they use. */
record Dashboard(JsonObject json) {
    static final Path FILE = Tools.module().resolve("dashboard.json");

    /** One query of one panel. */
    record Query(String panel, String refId, String expr) {
        /** Over the operator's metrics only: none exist where no operator runs. */
        boolean operatorOnly() {
            return expr.contains("physalia_operator_") && !expr.replace("physalia_operator_", "").contains("physalia_")
                    && !expr.contains("up{");
        }

        /**
         * The query as Grafana would send it for colony {@code colony} and the colors
         * {@code colors} (a regex, as Grafana renders a multi-value variable), over 1-minute rates.
         */
        String substituted(String colony, String colors) {
            return expr.replace("$__rate_interval", "1m").replace("${colony}", colony).replace("$colony", colony)
                    .replace("${color}", colors).replace("$color", colors);
        }
    }

    static Dashboard load() throws IOException {
        return new Dashboard(new JsonObject(Files.readString(FILE)));
    }

    /** Every panel's queries, rows' nested panels included. */
    List<Query> queries() {
        List<Query> out = new ArrayList<>();
        collect(json.getJsonArray("panels"), out);
        return out;
    }

    private static void collect(JsonArray panels, List<Query> out) {
        for (Object o : panels) {
            JsonObject p = (JsonObject) o;
            if (p.containsKey("panels")) {
                collect(p.getJsonArray("panels"), out);
            }
            for (Object t : p.getJsonArray("targets", new JsonArray())) {
                JsonObject target = (JsonObject) t;
                out.add(new Query(p.getString("title"), target.getString("refId"), target.getString("expr")));
            }
        }
    }

    List<String> variables() {
        List<String> out = new ArrayList<>();
        for (Object o : json.getJsonObject("templating").getJsonArray("list")) {
            out.add(((JsonObject) o).getString("name"));
        }
        return out;
    }
}
