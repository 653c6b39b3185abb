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
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * The launcher with {@code worker_program} or {@code program}: it supervises those programs (see
 * {@code dev.prefork.programs}) instead of running the engine, with the same daemon duties around them
 * (pid_file, log_file, background, dequeue jobs). SIGHUP restarts every program (and reopens the
 * log_file), TERM and INT stop them all and run the exit_command; a program pool that cannot keep its
 * workers running, or a program list that was given up entirely, ends the launcher with status 1.
 */
final class ProgramMode {
    private static final String KEEPER_CLASS = "dev.prefork.keeper.ProgramKeeper";

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
        return (ProgramSupervision) ProcessJarCalls.callStatic(KEEPER_CLASS, "start",
                new Class<?>[] {ProgramPlan.class, PrintStream.class}, plan, out);
    }

    /** Serves until stopped: signals, pid_file, the ready line, background; returns only by System.exit or a stop. */
    static void serve(ProgramSupervision programs, EngineConfig config, PrintStream out, LogSink log, PidFile pidFile,
                      DequeueJobs dequeue) throws InterruptedException {
        restartOnHangup(programs, out, log);
        StandaloneMain.reopenOnUsr1(log, out);
        CountDownLatch stopped = StandaloneMain.stopAtExit(dequeue, programs::stop, pidFile, out);
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
        stopped.await();
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

    @SuppressWarnings("restriction")
    private static void restartOnHangup(ProgramSupervision programs, PrintStream out, LogSink log) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                Thread thread = new Thread(() -> {
                    StandaloneMain.reopen(log, out, "SIGHUP");
                    programs.restartAll("SIGHUP");
                }, "prefork-sighup");
                thread.setDaemon(true);
                thread.start();
            });
        } catch (IllegalArgumentException e) {
            out.println("prefork: SIGHUP cannot be handled here (" + e.getMessage() + "); programs are not restarted on it");
        }
    }
}
