package dev.prefork.programs;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.PortSpec;
import dev.prefork.engine.config.ProgramSocket;
import dev.prefork.engine.config.Settings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What the launcher is asked to supervise instead of (or, for plain programs, beside nothing else than)
 * the engine: the program pool of {@code worker_program}, the {@code program} list, and how they are
 * restarted and stopped. Read from the settings and checked before anything starts, so that a bad
 * combination names its keys, values and where they came from.
 */
public final class ProgramPlan {
    /** The settings that mean something with programs: where and how many, the stop, and the launcher's own duties. */
    static final Set<String> APPLIES = Set.of("port", "host", "listen", "max_servers", "name", "graceful_shutdown_timeout",
            "worker_program", "program_socket", "program", "crash_limit", "exit_command", "user", "group", "chroot", "sig_passthrough", "background",
            "setsid", "check_for_dequeue", "max_dequeue", "dequeue_command", "pid_file", "log_file", "log_level",
            "syslog_ident", "syslog_facility", "syslog_logsock", "syslog_logopt");

    private final ProgramSpec pool;
    private final List<ProgramSpec> programs;
    private final List<PortSpec> ports;
    private final int listen;
    private final int crashLimit;
    private final int graceSeconds;
    private final String exitCommand;
    private final String socketName;
    private final String user;
    private final String group;
    private final Path chroot;

    private ProgramPlan(ProgramSpec pool, List<ProgramSpec> programs, List<PortSpec> ports, int listen, int crashLimit,
                        int graceSeconds, String exitCommand, String socketName, String user, String group, Path chroot) {
        this.pool = pool;
        this.programs = List.copyOf(programs);
        this.ports = List.copyOf(ports);
        this.listen = listen;
        this.crashLimit = crashLimit;
        this.graceSeconds = graceSeconds;
        this.exitCommand = exitCommand;
        this.socketName = socketName;
        this.user = user;
        this.group = group;
        this.chroot = chroot;
    }

    /** Settings only programs read (chroot too, refused without programs with a reason of its own). */
    static final Set<String> PROGRAMS_ONLY = Set.of("program_socket", "crash_limit", "exit_command", "sig_passthrough");

    /**
     * Refuses the settings in {@code given} that only programs read, when {@code config} asks for none:
     * they would silently do nothing for our worker JVMs.
     *
     * @throws IllegalStateException naming each such key, its value and origin
     */
    public static void refuseWithoutPrograms(EngineConfig config, Function<String, String> origin, Set<String> given) {
        List<String> unused = given.stream().filter(PROGRAMS_ONLY::contains).sorted().toList();
        if (!requested(config) && !unused.isEmpty()) {
            throw new IllegalStateException(unused.stream().map(key -> key + "='" + config.toMap().getOrDefault(key, "") + "' (from "
                    + origin.apply(key) + ")").collect(java.util.stream.Collectors.joining(", ")) + (unused.size() == 1 ? " applies"
                    : " apply") + " to worker_program and program only, and neither is given");
        }
    }

    /** Whether {@code config} asks for programs (then the launcher runs them instead of the engine). */
    public static boolean requested(EngineConfig config) {
        return !config.get(Settings.WORKER_PROGRAM).isBlank() || !config.get(Settings.PROGRAM).isBlank();
    }

    /**
     * The plan {@code config} asks for.
     *
     * @param origin where a key's value came from, for the messages
     * @throws IllegalStateException naming the keys, their values and origins when they do not fit together
     */
    public static ProgramPlan of(EngineConfig config, Function<String, String> origin) {
        return of(config, origin, Set.of());
    }

    /**
     * As {@link #of(EngineConfig, Function)}, also refusing every key in {@code given} (the keys the
     * command line and conf_file set) that only our worker JVMs or the engine would read: a setting
     * that silently does nothing misleads whoever wrote it.
     */
    public static ProgramPlan of(EngineConfig config, Function<String, String> origin, Set<String> given) {
        List<String> unused = given.stream().filter(key -> Settings.byKey(key) != null && !APPLIES.contains(key)).sorted().toList();
        if (!unused.isEmpty()) {
            throw new IllegalStateException(unused.stream().map(key -> key + "='" + config.toMap().getOrDefault(key, "") + "' (from "
                    + origin.apply(key) + ")").collect(java.util.stream.Collectors.joining(", "))
                    + (unused.size() == 1 ? " does" : " do") + " not apply to worker_program or program: those programs"
                    + " accept and serve by themselves (settings that apply: " + APPLIES.stream().sorted().toList() + ")");
        }
        String command = config.get(Settings.WORKER_PROGRAM).strip();
        ProgramSocket socket = config.get(Settings.PROGRAM_SOCKET);
        if (socket != ProgramSocket.LISTEN_FDS && !command.isEmpty() && config.ports().size() > 1) {
            throw new IllegalStateException("program_socket=" + socket.key() + " (from " + origin.apply(Settings.PROGRAM_SOCKET.key())
                    + ") takes one port, but port='" + config.get(Settings.PORT) + "' (from " + origin.apply(Settings.PORT.key())
                    + ") has " + config.ports().size() + ": descriptor 0 holds one socket (use program_socket listen_fds for several)");
        }
        ProgramSpec pool = command.isEmpty() ? null
                : new ProgramSpec(nameOf(command), command, config.maxServers(), socket);
        List<ProgramSpec> programs = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : config.get(Settings.PROGRAM).split("\n")) {
            String each = line.strip();
            if (each.isEmpty()) {
                continue;
            }
            String base = nameOf(each);
            int count = seen.merge(base, 1, Integer::sum);
            programs.add(new ProgramSpec(count == 1 ? base : base + "#" + count, each, 1, null));
        }
        ProgramPlan plan = new ProgramPlan(pool, programs, pool == null ? List.of() : config.ports(), config.listen(),
                config.get(Settings.CRASH_LIMIT), config.gracefulShutdownTimeout(), config.get(Settings.EXIT_COMMAND).strip(),
                config.name(), config.get(Settings.USER), config.get(Settings.GROUP), config.get(Settings.CHROOT));
        plan.all().forEach(each -> plan.checkInsideChroot(each, origin));
        return plan;
    }

    /**
     * With chroot, a program named by an absolute path must be inside the directory: found missing at
     * start, it would otherwise be a crash loop whose reason is only in the log. (A program found through
     * PATH, by a variable or through a symbolic link, is looked up by the chroot command itself.)
     */
    private void checkInsideChroot(ProgramSpec spec, Function<String, String> origin) {
        String program = spec.command().strip().split("\\s+", 2)[0];
        if (chroot == null || !program.startsWith("/")) {
            return;
        }
        Path inside = chroot.resolve(program.substring(1));
        // A link is left to the chroot command: an absolute one would resolve against our root, not DIR.
        if (!Files.isSymbolicLink(inside) && !Files.isExecutable(inside)) {
            String key = spec.listens() ? Settings.WORKER_PROGRAM.key() : Settings.PROGRAM.key();
            throw new IllegalStateException(key + "='" + spec.command() + "' (from " + origin.apply(key) + ") runs " + program
                    + " inside chroot='" + chroot + "' (from " + origin.apply(Settings.CHROOT.key()) + "), but " + inside
                    + " is not an executable file: the program, and what it loads, must be inside the directory");
        }
    }

    /** A program's name in the log: its command's first word without its directory ("/usr/bin/watch -n 1" is watch). */
    static String nameOf(String command) {
        String first = command.strip().split("\\s+", 2)[0];
        String base = first.substring(first.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "");
        return base.isEmpty() ? "program" : base;
    }

    /** The program pool, or null when only plain programs are asked for. */
    public ProgramSpec pool() {
        return pool;
    }

    /** The plain programs (the hydra's list), in the order given. */
    public List<ProgramSpec> programs() {
        return programs;
    }

    /** Everything to keep running: the pool first, then the plain programs. */
    public List<ProgramSpec> all() {
        List<ProgramSpec> all = new ArrayList<>();
        if (pool != null) {
            all.add(pool);
        }
        all.addAll(programs);
        return all;
    }

    /** The ports the pool's workers are given (none without a pool). */
    public List<PortSpec> ports() {
        return ports;
    }

    public int listen() {
        return listen;
    }

    public int crashLimit() {
        return crashLimit;
    }

    public int graceSeconds() {
        return graceSeconds;
    }

    /** What LISTEN_FDNAMES calls each socket: the pool's {@code name}, as systemd names them after the socket unit. */
    public String socketName() {
        return socketName;
    }

    /** The user every program runs as (a name or number), or empty for the launcher's own. */
    public String user() {
        return user;
    }

    /** With {@link #user}: the groups (names or numbers, the first the primary), or empty for the user's own. */
    public String group() {
        return group;
    }

    /** The directory every program is confined to, or null for none. */
    public Path chroot() {
        return chroot;
    }

    /** The hydra's exit function as a shell command; empty for none. */
    public String exitCommand() {
        return exitCommand;
    }
}
