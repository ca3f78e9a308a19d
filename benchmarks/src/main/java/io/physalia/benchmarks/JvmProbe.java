package io.physalia.benchmarks;

import io.physalia.node.local.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a child JVM's footprint from outside: live heap after a full collection (through the
 * JDK's {@code jcmd}), resident memory and CPU time (from the OS). Nothing in the measured
 * process is changed for it.
 */
public final class JvmProbe {
    private static final Pattern USED = Pattern.compile("total (\\d+)K, used (\\d+)K");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    private JvmProbe() {}

    /** Heap bytes in use right after two full collections. */
    public static long liveHeapBytes(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        long usedKb = 0;
        boolean found = false;
        for (String line : info.split("\n")) {
            Matcher m = USED.matcher(line);
            if (m.find() && !line.contains("Metaspace") && !line.contains("class space")) {
                usedKb += Long.parseLong(m.group(2));
                found = true;
            }
        }
        if (!found) {
            throw new IOException("jcmd " + pid + " GC.heap_info printed no heap usage: " + info);
        }
        return usedKb * 1024;
    }

    /** The classes holding most heap, as "bytes class" lines (a hint at what dominates the footprint). */
    public static List<String> topClasses(long pid, int n) throws IOException, InterruptedException {
        String h = jcmd(pid, "GC.class_histogram");
        List<String> top = new ArrayList<>();
        for (String line : h.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":") && top.size() < n) {
                top.add(String.format("%,d B %s", Long.parseLong(f[2]), readable(f[3])));
            }
        }
        return top;
    }

    /** {@code [B} as {@code byte[]}, {@code [Ljava.lang.Object;} as {@code java.lang.Object[]}. */
    static String readable(String jvmName) {
        if (!jvmName.startsWith("[")) {
            return jvmName;
        }
        String inner = jvmName.substring(1);
        String base = switch (inner) {
            case "B" -> "byte";
            case "C" -> "char";
            case "I" -> "int";
            case "J" -> "long";
            case "S" -> "short";
            case "Z" -> "boolean";
            case "D" -> "double";
            case "F" -> "float";
            default -> inner.startsWith("L") && inner.endsWith(";") ? inner.substring(1, inner.length() - 1) : readable(inner);
        };
        return base + "[]";
    }

    /** Resident set size in bytes (Linux), or -1 where /proc is not there. */
    public static long rssBytes(long pid) {
        try {
            Matcher m = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** User plus system CPU time the process has used so far. */
    public static Duration cpu(long pid) throws IOException {
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration())
                .orElseThrow(() -> new IOException("CPU time of process " + pid + " is not readable"));
    }

    static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(ChildJvm.jcmd().toString(), Long.toString(pid), command)
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
