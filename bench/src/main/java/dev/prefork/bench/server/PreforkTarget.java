package dev.prefork.bench.server;

import dev.prefork.bench.BenchEnv;
import dev.prefork.bench.proc.ProcInfo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The standalone engine with its built-in echo handler: launcher JVM (handlers run there) → supervisor
 * JVM → worker JVMs. Ready when it prints "N workers accepting". Engine settings not given here keep
 * the engine's defaults.
 */
public final class PreforkTarget implements Target {
    /** As java -jar prefork.jar has it from its manifest: the descriptor bridge's native calls without a warning. */
    private static final List<String> LAUNCHER_OPTIONS = List.of("--enable-native-access=ALL-UNNAMED");

    private final String name;
    private final BenchEnv env;
    private final Map<String, String> settings;
    private final List<String> launcherJvmOptions;

    public PreforkTarget(String name, BenchEnv env, Map<String, String> settings, List<String> launcherJvmOptions) {
        this.name = name;
        this.env = env;
        this.settings = new LinkedHashMap<>(settings);
        this.launcherJvmOptions = List.copyOf(launcherJvmOptions);
    }

    /** The engine exactly as configured by default. */
    public static PreforkTarget standard(BenchEnv env) {
        return new PreforkTarget("prefork", env, Map.of(), LAUNCHER_OPTIONS);
    }

    /** The engine with some settings changed, e.g. worker_jvm_options or worker_cds. */
    public static PreforkTarget variant(BenchEnv env, String name, Map<String, String> settings) {
        return new PreforkTarget(name, env, settings, LAUNCHER_OPTIONS);
    }

    public Map<String, String> settings() {
        return settings;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public RunningServer start(ServerSpec spec, Path logDir) throws Exception {
        Ports.requireFree(spec.port());
        List<String> command = new ArrayList<>();
        command.add(env.java().toString());
        command.addAll(launcherJvmOptions);
        command.addAll(List.of("-cp", env.engineClasspath(), "dev.prefork.standalone.StandaloneMain",
                "--port", "127.0.0.1:" + spec.port(),
                "--max_servers", Integer.toString(spec.maxServers()),
                "--max_requests", Integer.toString(spec.maxRequests()),
                "--listen", "1024",
                "--name", "bench-" + name.replaceAll("[^A-Za-z0-9._-]", "_")));
        settings.forEach((key, value) -> command.addAll(List.of("--" + key, value)));
        command.addAll(List.of("--handler", "echo"));
        Path log = logDir.resolve(name.replace(' ', '_') + "-" + spec.port() + "-" + System.currentTimeMillis() + ".log");
        Launcher.Started started = Launcher.launch(command, env.repo(), Map.of(), log, (process, output) -> {
            if (output.contains("workers starting (supervisor pid")) { // the launcher gave up waiting, not the supervisor's pacing line
                throw new IllegalStateException(name + ": not every worker reached accept within 60 s; see " + log);
            }
            return output.contains("workers accepting");
            // 180 s: at load 40-50 (five helpers on 2 cores, an application server starting beside) a pool of 8
            // was not ready within 90 s (2026-12-02 13:17), though its launcher's own 60-s wait had not run out.
        }, Duration.ofSeconds(180));
        return new RunningServer(this, started.process(), spec.port(), started.startupNanos());
    }

    @Override
    public String role(ProcInfo process, long rootPid) {
        if (process.pid() == rootPid) {
            return "launcher";
        }
        if (process.cmdline().contains("SupervisorMain")) {
            return "supervisor";
        }
        if (process.cmdline().contains("WorkerMain")) {
            return "worker";
        }
        return "other";
    }
}
