package dev.prefork.bench.scenario;

import dev.prefork.bench.BenchEnv;
import dev.prefork.bench.proc.ProcInfo;
import dev.prefork.bench.server.RunningServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Samples one server's last measured round with {@code perf record} (system-wide, then filtered to the
 * server's pids), asks every JVM of the server for a perf map of its compiled code (jcmd
 * Compiler.perfmap) so Java frames have names, and writes one report per process role: the hottest
 * shared objects and symbols.
 */
public final class PerfProfile implements ThroughputScenario.ProfileHook {
    private final BenchEnv env;
    private final String label;
    private final Path outDir;
    private final Path dataFile;
    private final Consumer<String> progress;
    private final Map<String, String> written = new LinkedHashMap<>();
    private Process perf;

    public PerfProfile(BenchEnv env, String label, Path outDir, Path workDir, Consumer<String> progress) {
        this.env = env;
        this.label = label;
        this.outDir = outDir;
        this.dataFile = workDir.resolve("perf.data");
        this.progress = progress;
    }

    public static boolean available() {
        try {
            Process p = new ProcessBuilder("perf", "--version").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Report files written: title → file name relative to the report. */
    public Map<String, String> written() {
        return written;
    }

    @Override
    public boolean wants(String contender) {
        return contender.equals(label);
    }

    @Override
    public void before(String contender, RunningServer server) throws IOException {
        if (!contender.equals(label)) {
            return;
        }
        Files.createDirectories(dataFile.getParent());
        perf = new ProcessBuilder("perf", "record", "-a", "-F", "499", "-o", dataFile.toString())
                .redirectErrorStream(true).redirectOutput(dataFile.resolveSibling("perf-record.log").toFile()).start();
    }

    @Override
    public void after(String contender, RunningServer server) throws Exception {
        if (perf == null || !contender.equals(label)) {
            return;
        }
        // perf record writes its file when interrupted.
        new ProcessBuilder("kill", "-INT", Long.toString(perf.pid())).start().waitFor(5, TimeUnit.SECONDS);
        if (!perf.waitFor(30, TimeUnit.SECONDS)) {
            perf.destroyForcibly();
        }
        perf = null;
        Map<String, List<Long>> pidsByRole = new TreeMap<>();
        for (ProcInfo p : server.tree()) {
            pidsByRole.computeIfAbsent(server.target().role(p, server.rootPid()), k -> new ArrayList<>()).add(p.pid());
            if (p.comm().equals("java")) {
                run(List.of(env.jcmd().toString(), Long.toString(p.pid()), "Compiler.perfmap"), 30);
            }
        }
        Path profileDir = outDir.resolve("profile");
        Files.createDirectories(profileDir);
        for (Map.Entry<String, List<Long>> role : pidsByRole.entrySet()) {
            String pids = role.getValue().stream().map(String::valueOf).collect(Collectors.joining(","));
            String name = "perf-" + role.getKey() + ".txt";
            String byThread = run(List.of("perf", "report", "-i", dataFile.toString(), "--pid=" + pids, "--stdio",
                    "--percentage", "relative", "--sort", "comm,dso", "--percent-limit", "1"), 300);
            String bySymbol = run(List.of("perf", "report", "-i", dataFile.toString(), "--pid=" + pids, "--stdio",
                    "--percentage", "relative", "--sort", "dso,sym", "--percent-limit", "0.7"), 300);
            Files.writeString(profileDir.resolve(name), "# perf record -a -F 499 during an extra round of `" + label
                    + "`, filtered to its " + role.getKey() + " processes (" + role.getValue().size() + "); percentages of their samples\n"
                    + "# by thread name and shared object\n" + strip(byThread)
                    + "# by symbol (Java frames named through jcmd Compiler.perfmap)\n" + strip(bySymbol));
            written.put("perf, " + label + ", " + role.getKey() + " processes", "profile/" + name);
        }
        String all = run(List.of("perf", "report", "-i", dataFile.toString(), "--stdio", "--sort", "pid,comm",
                "--percent-limit", "0.5"), 300);
        Files.writeString(profileDir.resolve("perf-by-process.txt"), "# every process on the machine during that round\n" + strip(all));
        written.put("perf, whole machine by process", "profile/perf-by-process.txt");
        progress.accept("perf profile of " + label + " written to " + profileDir);
    }

    /** Drops perf's blank and comment lines but the header with the sample count. */
    private static String strip(String text) {
        return text.lines().filter(l -> !l.isBlank() && (!l.startsWith("#") || l.contains("Samples") || l.contains("Event count")))
                .collect(Collectors.joining("\n")) + "\n";
    }

    private static String run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new String(out);
    }
}
