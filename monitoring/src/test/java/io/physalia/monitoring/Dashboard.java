package io.physalia.monitoring;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Grafana dashboard (monitoring/dashboard.json, or the chart's copy): its panels' queries, and
 * the variables they use. Public for the operator's dashboard test in {@code e2e}.
 */
public record Dashboard(JsonObject json) {
    /** One query of one panel. */
    public record Query(String panel, String refId, String expr, String legend) {
        /** Over the operator's metrics only: none exist where no operator runs. */
        public boolean operatorOnly() {
            return expr.contains("physalia_operator_") && !expr.replace("physalia_operator_", "").contains("physalia_")
                    && !expr.contains("up{");
        }

        /**
         * The query as Grafana would send it for colony {@code colony} and the colors
         * {@code colors} (a regex, as Grafana renders a multi-value variable), over 1-minute rates.
         */
        public String substituted(String colony, String colors) {
            return substituted(colony, colors, "1m");
        }

        /** As {@link #substituted(String, String)}, with rates over {@code rateInterval}. */
        public String substituted(String colony, String colors, String rateInterval) {
            return expr.replace("$__rate_interval", rateInterval).replace("${colony}", colony).replace("$colony", colony)
                    .replace("${color}", colors).replace("$color", colors);
        }
    }

    /** monitoring/dashboard.json (the module's directory is surefire's basedir). */
    static Dashboard load() throws IOException {
        return load(Tools.module().resolve("dashboard.json"));
    }

    public static Dashboard load(Path file) throws IOException {
        return new Dashboard(new JsonObject(Files.readString(file)));
    }

    /** Every panel's queries, rows' nested panels included. */
    public List<Query> queries() {
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
                out.add(new Query(p.getString("title"), target.getString("refId"), target.getString("expr"),
                        target.getString("legendFormat", "")));
            }
        }
    }

    /** A panel as laid out on Grafana's grid (24 columns wide); a row has no unit and no queries. */
    record Panel(String title, String type, String unit, int x, int y, int w, int h, List<Query> queries) {}

    /** The top-level panels, in the file's order (this dashboard's rows are not collapsed: no nesting). */
    List<Panel> panels() {
        List<Panel> out = new ArrayList<>();
        for (Object o : json.getJsonArray("panels")) {
            JsonObject p = (JsonObject) o;
            List<Query> queries = new ArrayList<>();
            collect(new JsonArray().add(p), queries);
            JsonObject grid = p.getJsonObject("gridPos");
            String unit = p.getJsonObject("fieldConfig", new JsonObject()).getJsonObject("defaults", new JsonObject())
                    .getString("unit", "short");
            out.add(new Panel(p.getString("title"), p.getString("type"), unit, grid.getInteger("x"), grid.getInteger("y"),
                    grid.getInteger("w"), grid.getInteger("h"), queries));
        }
        return out;
    }

    List<String> variables() {
        List<String> out = new ArrayList<>();
        for (Object o : json.getJsonObject("templating").getJsonArray("list")) {
            out.add(((JsonObject) o).getString("name"));
        }
        return out;
    }
}
