package dev.prefork.standalone;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.programs.ProgramPlan;
import dev.prefork.programs.ProgramSupervision;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What SIGHUP does to a launcher that supervises programs, as Net::Server's HUP does to a server: the
 * command line (and the conf_file it names) is read again, and every program is restarted with what it
 * now says (the hydra's HUP restarts them all anyway). Each setting that changed is logged with its old
 * and new value and where the new one came from, as applied or as applying at the next start. Settings
 * that do not read or check (a bad line, an unknown key, a user that does not exist, a chroot that is
 * not a directory) change nothing: the programs run on unrestarted and the log says why, naming the key
 * or line. Not thread-safe: one SIGHUP at a time (see {@link ProgramMode}).
 */
final class ProgramReload implements Runnable {
    /** What the keeper takes when it restarts the programs; the rest is bound or opened once, at start. */
    static final Set<String> APPLIED = Set.of("worker_program", "program_socket", "program", "max_servers", "name",
            "crash_limit", "exit_command", "graceful_shutdown_timeout", "user", "group", "chroot");
    // sig_passthrough is not among them: the launcher's signal handlers are installed once, at start.

    private final ProgramSupervision programs;
    private final String[] args;
    private final PrintStream out;
    /** The settings last applied, to say what changed. */
    private EngineConfig current;

    ProgramReload(ProgramSupervision programs, String[] args, EngineConfig startedWith, PrintStream out) {
        this.programs = programs;
        this.args = args.clone();
        this.current = startedWith;
        this.out = out;
    }

    @Override
    public void run() {
        EngineConfig next;
        try {
            StandaloneMain.Launch launch = StandaloneMain.parse(args);
            Function<String, String> origin = key -> launch.origins.getOrDefault(key, "the default");
            next = EngineConfig.fromMap(launch.settings);
            if (!ProgramPlan.requested(next)) {
                throw new IllegalStateException("worker_program and program are both gone: the launcher would run worker JVMs"
                        + " instead; restart it for that");
            }
            UserSwitchCheck.check(next, origin);
            ProgramPlan plan = ProgramPlan.of(next, origin, launch.origins.keySet());
            Map<String, String> before = current.toMap();
            Map<String, String> after = next.toMap();
            programs.reconfigure(plan, "SIGHUP");
            for (String key : new TreeSet<>(after.keySet())) {
                String old = before.getOrDefault(key, "");
                String now = after.get(key);
                if (!Objects.equals(old, now)) {
                    out.println("prefork: SIGHUP: " + key + " changed from " + shown(old) + " to " + shown(now) + " (" + origin.apply(key) + "); "
                            + (APPLIED.contains(key) ? "applied to the programs" : "it cannot change while the launcher runs"
                            + " and applies at the next start"));
                }
            }
            current = next;
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            out.println("prefork: SIGHUP: the settings were not changed and no program was restarted: " + e.getMessage());
        }
    }

    /** A value for the log on one line: a list setting's items (program lines) as ['a', 'b']. */
    static String shown(String value) {
        if (!value.contains("\n")) {
            return "'" + value + "'";
        }
        return value.lines().map(line -> "'" + line + "'").collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }
}
