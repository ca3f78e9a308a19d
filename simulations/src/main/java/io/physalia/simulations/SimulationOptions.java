package io.physalia.simulations;

import io.physalia.controlplane.PlacementPolicy;
import io.physalia.core.cell.CellLimits;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The validated options of one run: the common ones (seed, output directory, quick mode) and the
 * simulation's own parameters, read through typed getters that check ranges and name the flag in
 * their errors.
 *
 * @param quick a smaller run of the same experiment, for CI; figures from a quick run are not the
 *     ones recorded in the docs
 */
public record SimulationOptions(long seed, Path outDir, boolean quick, Map<String, String> params) {
    public SimulationOptions {
        Objects.requireNonNull(outDir, "outDir");
        params = Map.copyOf(new TreeMap<>(params));
    }

    public int intParam(String name, int defaultValue, int min, int max) {
        String raw = params.get(name);
        if (raw == null) {
            return defaultValue;
        }
        int v;
        try {
            v = Integer.parseInt(raw.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, got '" + raw + "'");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException("--" + name + " must be in " + min + ".." + max + ", got " + v);
        }
        return v;
    }

    public double doubleParam(String name, double defaultValue, double min, double max) {
        String raw = params.get(name);
        if (raw == null) {
            return defaultValue;
        }
        double v;
        try {
            v = Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, got '" + raw + "'");
        }
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException("--" + name + " must be in " + min + ".." + max + ", got " + raw);
        }
        return v;
    }

    /** A placement policy by name, any case, e.g. {@code --policy least_overlap}; the engine's default when absent. */
    public PlacementPolicy policyParam(String name) {
        String raw = params.get(name);
        if (raw == null) {
            return PlacementPolicy.DEFAULT;
        }
        try {
            return PlacementPolicy.valueOf(raw.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + name + " must be one of " + Arrays.toString(PlacementPolicy.values())
                    + ", got '" + raw + "'");
        }
    }

    /** A comma-separated list of integers, each in range, e.g. {@code --sizes 5,7,9}. */
    public int[] intListParam(String name, int[] defaultValue, int min, int max) {
        String raw = params.get(name);
        if (raw == null) {
            return defaultValue.clone();
        }
        String[] parts = raw.split(",", -1);
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be integers separated by commas, got '" + raw + "'");
            }
            if (out[i] < min || out[i] > max) {
                throw new IllegalArgumentException("--" + name + " values must be in " + min + ".." + max + ", got " + out[i]);
            }
        }
        return out;
    }

    /** The help of a {@link #cellSizeParam}. */
    public static String cellSizeHelp(int defaultValue) {
        return "members per cell, odd, " + CellLimits.MIN_PLACED_MEMBERS + ".." + CellLimits.MAX_MEMBERS
                + " (default " + defaultValue + ")";
    }

    /** The size of a placed cell: odd, within {@link CellLimits}. */
    public int cellSizeParam(String name, int defaultValue) {
        int size = intParam(name, defaultValue, CellLimits.MIN_PLACED_MEMBERS, CellLimits.MAX_MEMBERS);
        if (size % 2 == 0) {
            throw new IllegalArgumentException("--" + name + " must be odd, got " + size);
        }
        return size;
    }

    /** The help of a {@link #cellSizesParam}. */
    public static String cellSizesHelp(int min, int[] defaultValue) {
        return "cell sizes, odd, " + min + "-" + CellLimits.MAX_MEMBERS + ", comma-separated (default "
                + Arrays.stream(defaultValue).mapToObj(Integer::toString).collect(Collectors.joining(",")) + ")";
    }

    /** Cell sizes, each odd, from {@code min} to {@link CellLimits#MAX_MEMBERS}, e.g. {@code --sizes 5,7,9}. */
    public int[] cellSizesParam(String name, int[] defaultValue, int min) {
        int[] sizes = intListParam(name, defaultValue, min, CellLimits.MAX_MEMBERS);
        for (int s : sizes) {
            if (s % 2 == 0) {
                throw new IllegalArgumentException("--" + name + " values must be odd (a cell of " + s + " has no single majority)");
            }
        }
        return sizes;
    }
}
