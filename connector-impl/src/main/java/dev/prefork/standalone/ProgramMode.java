package dev.prefork.standalone;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Settings;
import dev.prefork.programs.ProgramPlan;
import dev.prefork.programs.ProgramSpec;
import dev.prefork.programs.ProgramSupervision;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The launcher with {@code worker_program} or {@code program}: it supervises those programs (see
 * {@code dev.prefork.programs}) instead of running the engine, with the same daemon duties around them
 * (pid_file, log_file, background, dequeue jobs). SIGHUP reads the conf_file again and restarts every
 * program with it (and reopens the log_file), TERM and INT stop them all and run the exit_command; a program pool that cannot keep its
 * workers running, or a program list that was given up entirely, ends the launcher with status 1.
 */
final class ProgramMode {
    static final String KEEPER_CLASS = "dev.prefork.keeper.ProgramKeeper";

    private ProgramMode() {
    }

    /**
     * Binds the pool's ports and starts every program.
     *
     * @throws IllegalStateException when the settings do not fit together (naming keys, values, origins)
     * @throws IOException           when a port cannot be bound, or this JVM cannot spawn (JDK 17)
     */
    static ProgramSupervision start(EngineConfig config, Function<String, String> origin, Set<String> given, PrintStream out)
            throws IOException {
        ProgramPlan plan = ProgramPlan.of(config, origin, given);
        String unavailable = ProcessJarCalls.unavailableReason();
        if (unavailable != null) {
            String key = plan.pool() != null ? Settings.WORKER_PROGRAM.key() : Settings.PROGRAM.key();
            throw new IllegalStateException(key + " (from " + origin.apply(key) + ") " + unavailable);
        }
        AtomicReference<ProgramSupervision> started = new AtomicReference<>();
        passOnSignals(config.get(Settings.SIG_PASSTHROUGH), started, origin); // before any program starts: a refusal starts none
        ProgramSupervision programs = (ProgramSupervision) ProcessJarCalls.callStatic(KEEPER_CLASS, "start",
                new Class<?>[] {ProgramPlan.class, PrintStream.class}, plan, out);
        started.set(programs);
        return programs;
    }

    /**
     * sig_passthrough: a handler for each signal named that sends it on to every program (a signal that
     * comes before the programs are started is dropped: there is nobody to pass it to).
     *
     * @throws IllegalStateException naming the setting when the JVM does not know or let go of a signal
     */
    @SuppressWarnings("restriction")
    private static void passOnSignals(String names, AtomicReference<ProgramSupervision> programs, Function<String, String> origin) {
        for (String name : names.isEmpty() ? new String[0] : names.split(",")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    ProgramSupervision target = programs.get();
                    if (target != null) {
                        target.passOn(signal.getNumber(), name);
                    }
                });
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(Settings.SIG_PASSTHROUGH.key() + "='" + names + "' (from "
                        + origin.apply(Settings.SIG_PASSTHROUGH.key()) + "): SIG" + name + " cannot be handled here: " + e.getMessage());
            }
        }
    }

    /** Serves until stopped: signals, pid_file, the ready line, background; returns only by System.exit or a stop. */
    static void serve(ProgramSupervision programs, String[] args, EngineConfig config, PrintStream out, LogSink log,
                      PidFile pidFile, StopAtExit stopAtExit) throws InterruptedException {
        rereadOnHangup(programs, args, config, out, log);
        StandaloneMain.reopenOnUsr1(log, out);
        ResizeSignals.install(() -> programs.resizePool(1, "SIGTTIN"), () -> programs.resizePool(-1, "SIGTTOU"), out);
        if (!StandaloneMain.writePidFile(pidFile)) {
            return;
        }
        out.println("prefork: " + describe(ProgramPlan.of(config, key -> "")) + programs.boundAddresses()
                .stream().findFirst().map(first -> " on " + programs.boundAddresses()).orElse("") + "; Ctrl-C stops");
        if (Background.isDaemon()) {
            try {
                Background.detach(out);
            } catch (IOException e) {
                out.println("prefork: background: the standard streams stay open: " + e.getMessage());
            }
        }
        if (programs.awaitEnd()) {
            System.exit(1); // given up: the shutdown hook removes the pid_file
        }
        stopAtExit.awaitStopped();
    }

    /** One line saying what runs: "program pool 'CMD' x 4 (listen_fds), programs [a, b]". */
    static String describe(ProgramPlan plan) {
        List<String> parts = new ArrayList<>();
        ProgramSpec pool = plan.pool();
        if (pool != null) {
            parts.add("program pool '" + pool.command() + "' x " + pool.copies() + " (" + pool.socket().key() + ")");
        }
        if (!plan.programs().isEmpty()) {
            parts.add("programs " + plan.programs().stream().map(ProgramSpec::name).toList());
        }
        return String.join(", ", parts);
    }

    /**
     * SIGHUP reopens the log_file, reads the command line's conf_file again and restarts every program
     * with what it now says (see {@link ProgramReload}); one SIGHUP at a time, in order.
     */
    @SuppressWarnings("restriction")
    private static void rereadOnHangup(ProgramSupervision programs, String[] args, EngineConfig config, PrintStream out,
                                       LogSink log) {
        ProgramReload reload = new ProgramReload(programs, args, config, out);
        java.util.concurrent.ExecutorService oneAtATime = java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "prefork-sighup");
            thread.setDaemon(true);
            return thread;
        });
        try {
            HangupDisposition.restoreIfIgnored(out);
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> oneAtATime.execute(() -> {
                StandaloneMain.reopen(log, out, "SIGHUP");
                reload.run();
            }));
        } catch (IllegalArgumentException e) {
            out.println("prefork: SIGHUP cannot be handled here (" + e.getMessage() + "); programs are not restarted on it");
        }
    }
}
