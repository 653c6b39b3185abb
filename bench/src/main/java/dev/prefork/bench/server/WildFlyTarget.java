package dev.prefork.bench.server;

import dev.prefork.bench.BenchEnv;
import dev.prefork.bench.proc.ProcInfo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The full path: the sample EAR's echo MDB in WildFly (client → worker → bridge → MDB → client), started
 * by a command run in a given checkout, by default {@link #DEFAULT_COMMAND} (its {@code bin/sample},
 * with the echo pool configured through the adapter's MicroProfile Config environment variables). The
 * command may use {@code {max_servers}}, {@code {max_requests}}, {@code {port}} and {@code {aux_port}}
 * (a second free port, for the sample's other endpoint). Ready when the echo port answers. Every
 * process under the command counts: the application server, the supervisors and the workers.
 */
public final class WildFlyTarget implements Target {
    private final BenchEnv env;
    private final Path checkout;
    private final String command;
    private final String name;
    /**
     * bin/sample with its WildFly ports moved (offset 300) and both sample endpoints on ports of ours,
     * so it does not meet another WildFly or sample running on the machine; the calculator pool is cut
     * to one worker so that it costs next to nothing while the echo pool is measured.
     */
    public static final String DEFAULT_COMMAND = "SAMPLE_PORT_OFFSET=300"
            + " PREFORK_ECHO_PORT=127.0.0.1:{port} PREFORK_ECHO_MAX_SERVERS={max_servers} PREFORK_ECHO_MAX_REQUESTS={max_requests}"
            + " PREFORK_CALCULATOR_PORT=127.0.0.1:{aux_port} PREFORK_CALCULATOR_MAX_SERVERS=1 bin/sample";

    /**
     * The same sample beans without an application server: {@code bin/sample embedded} (Weld SE, issue 14),
     * with the same placeholders; the same readiness probe and process accounting.
     */
    public static final String EMBEDDED_COMMAND = "PREFORK_ECHO_PORT=127.0.0.1:{port} PREFORK_ECHO_MAX_SERVERS={max_servers}"
            + " PREFORK_ECHO_MAX_REQUESTS={max_requests} PREFORK_CALCULATOR_PORT=127.0.0.1:{aux_port}"
            + " PREFORK_CALCULATOR_MAX_SERVERS=1 bin/sample embedded";

    /**
     * The sample on GlassFish or Liberty: bin/sample SERVER with its own ports moved and the same endpoint
     * settings as {@link #DEFAULT_COMMAND}. Their admin tools start the server in the background, outside
     * bin/sample's process tree; in a PID namespace of its own bin/sample is the namespace's init, so the
     * server is reparented to it and its CPU counts here (and it ends with the namespace). The namespace
     * mounts a /proc of its own: with the machine's /proc, /proc/self names a process by its pid outside
     * the namespace while its parent knows it by the one inside, and GlassFish's first workers exited
     * before accepting ("3 workers in a row exited before accepting (last: exit 0)").
     */
    public static String sampleCommand(String server) {
        String ports = switch (server) {
            case "glassfish" -> "SAMPLE_PORT_BASE=27000";
            case "liberty" -> "SAMPLE_HTTP_PORT=27180";
            default -> throw new IllegalArgumentException("no sample command for " + server);
        };
        return ports + " PREFORK_ECHO_PORT=127.0.0.1:{port} PREFORK_ECHO_MAX_SERVERS={max_servers}"
                + " PREFORK_ECHO_MAX_REQUESTS={max_requests} PREFORK_CALCULATOR_PORT=127.0.0.1:{aux_port}"
                + " PREFORK_CALCULATOR_MAX_SERVERS=1 unshare --pid --fork --mount-proc --kill-child bin/sample " + server;
    }

    public WildFlyTarget(BenchEnv env, Path checkout, String command) {
        this(env, checkout, command, "wildfly-mdb");
    }

    /** The sample run by {@code command} under a contender name of its own ({@code embedded-mdb} for {@link #EMBEDDED_COMMAND}). */
    public WildFlyTarget(BenchEnv env, Path checkout, String command, String name) {
        this.env = env;
        this.checkout = checkout;
        this.command = command;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public RunningServer start(ServerSpec spec, Path logDir) throws Exception {
        ServerSpec own = spec;
        int auxPort = spec.port() + 50;
        Ports.requireFree(own.port());
        Ports.requireFree(auxPort);
        String line = command.replace("{max_servers}", Integer.toString(own.maxServers()))
                .replace("{max_requests}", Integer.toString(own.maxRequests()))
                .replace("{aux_port}", Integer.toString(auxPort))
                .replace("{port}", Integer.toString(own.port()));
        Map<String, String> vars = Map.of("JAVA_HOME", env.javaHome().toString());
        Path log = logDir.resolve(name() + "-" + System.currentTimeMillis() + ".log");
        Launcher.Started started = Launcher.launch(List.of("bash", "-c", "exec env " + line), checkout, vars, log,
                new EveryFewMillis(250, () -> Ports.echoes(own.port())), Duration.ofMinutes(10));
        return new RunningServer(this, started.process(), own.port(), started.startupNanos());
    }

    @Override
    public String role(ProcInfo process, long rootPid) {
        String cmd = process.cmdline();
        if (cmd.contains("SupervisorMain")) {
            return "supervisor";
        }
        if (cmd.contains("WorkerMain")) {
            return "worker";
        }
        if (cmd.contains("jboss-modules") || cmd.contains("dev.prefork.embedded.Main")
                || cmd.contains("com.sun.enterprise.glassfish.bootstrap") || cmd.contains("ws-server.jar")) {
            return "appserver";
        }
        return "other";
    }

    /** A readiness probe run at most every {@code millis}: the build and boot take minutes. */
    private static final class EveryFewMillis implements Launcher.ReadyCheck {
        private final long intervalNanos;
        private final java.util.function.BooleanSupplier probe;
        private long next;

        EveryFewMillis(long millis, java.util.function.BooleanSupplier probe) {
            this.intervalNanos = millis * 1_000_000;
            this.probe = probe;
            this.next = System.nanoTime();
        }

        @Override
        public boolean ready(Process process, String output) {
            if (System.nanoTime() < next) {
                return false;
            }
            next = System.nanoTime() + intervalNanos;
            return probe.getAsBoolean();
        }
    }
}
