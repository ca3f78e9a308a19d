package io.physalia.simulations;

import io.physalia.simulations.plot.SvgChart;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a simulation writes: result lines to {@code out} (what the docs quote), progress to
 * {@code progress} (stderr for a person watching), and SVG plots into the output directory.
 */
public final class SimulationOutput {
    private final PrintStream out;
    private final PrintStream progress;
    private final Path outDir;
    private final List<Path> written = new ArrayList<>();
    private long lastProgressNanos;

    public SimulationOutput(PrintStream out, PrintStream progress, Path outDir) {
        this.out = out;
        this.progress = progress;
        this.outDir = outDir;
    }

    public PrintStream out() {
        return out;
    }

    /** A progress line, printed at most twice a second unless {@code force}. */
    public void progress(String line, boolean force) {
        long now = System.nanoTime();
        if (force || now - lastProgressNanos >= 500_000_000L) {
            lastProgressNanos = now;
            progress.println(line);
        }
    }

    /** Writes a chart atomically as {@code outDir/fileName} and names it in the result lines. */
    public Path writeSvg(String fileName, SvgChart chart) throws IOException {
        if (!fileName.endsWith(".svg") || fileName.contains("/")) {
            throw new IllegalArgumentException("plot file name must be a plain name ending in .svg: " + fileName);
        }
        Files.createDirectories(outDir);
        Path target = outDir.resolve(fileName);
        Path tmp = outDir.resolve(fileName + ".tmp");
        Files.writeString(tmp, chart.render(), StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        written.add(target);
        out.println("plot: " + target);
        return target;
    }

    public List<Path> written() {
        return List.copyOf(written);
    }
}
