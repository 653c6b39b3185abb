package dev.prefork.it;

import java.time.Duration;
import java.util.List;

/**
 * The end of every test server, the same on each: stopped by its own tool (as an operator would), given a
 * bounded time to exit, then killed with whatever is left below it. Supervisors and workers are listed
 * before the stop, because a server that exits orphans them and they can then no longer be found by
 * their parent.
 */
public final class ServerStop {
    /** How long a server may take to exit after its tool's stop returned (or failed). */
    private static final Duration EXIT_WAIT = Duration.ofSeconds(60);

    /** The server's own stop command, e.g. {@code asadmin stop-domain}. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    private ServerStop() {
    }

    /**
     * Runs {@code stop}, waits for the server's JVM {@code pid} to exit, then kills it, every process below
     * it and every process that was below it before the stop. {@code pid} 0 means the server never got a
     * pid: only the stop command runs. Never throws: a failed step is logged and the next one still runs.
     */
    public static void stopAndReap(String server, long pid, Action stop) {
        List<ProcessTable.Proc> below = pid == 0 ? List.of() : ProcessTable.descendants(pid);
        try {
            stop.run();
        } catch (Exception e) {
            System.err.println("clean-up: stopping " + server + " failed: " + e);
        }
        if (pid == 0) {
            return;
        }
        try {
            Await.until(server + " (pid " + pid + ") to exit", EXIT_WAIT, () -> !ProcessTable.alive(pid), () -> "still running");
        } catch (AssertionError e) {
            System.err.println("clean-up: " + e.getMessage() + "; killing it");
        }
        Command.killTree(pid);
        for (ProcessTable.Proc p : below) {
            ProcessHandle.of(p.pid()).ifPresent(h -> {
                System.err.println("clean-up: killing leftover process " + p.pid() + " " + p.cmdline().replace('\0', ' '));
                h.destroyForcibly();
            });
        }
    }
}
