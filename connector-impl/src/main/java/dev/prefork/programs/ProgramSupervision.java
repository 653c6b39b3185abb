package dev.prefork.programs;

import java.util.List;

/**
 * A running supervision of programs (see the package comment), as the standalone launcher steers it.
 * Implemented in the process jar ({@code dev.prefork.keeper.ProgramKeeper}); every method may be called
 * from any thread.
 */
public interface ProgramSupervision {

    /** What the program pool listens on ({@code host:port} or {@code unix:/path}); empty without a pool. */
    List<String> boundAddresses();

    /**
     * SIGHUP: every program pool worker is replaced, new ones first (the listening sockets stay open, so
     * no client is refused meanwhile); every plain program is stopped and started again.
     */
    void restartAll(String why);

    /**
     * Stops everything: TERM to every program's process group, KILL after graceful_shutdown_timeout, then
     * the exit_command, then the listening sockets are closed. Returns when all of it is done; idempotent.
     */
    void stop();

    /**
     * Waits until the supervision has ended, by {@link #stop} or on its own (a program given up, see
     * {@link RestartPolicy}); returns whether it ended on its own, which is a failure.
     */
    boolean awaitEnd() throws InterruptedException;
}
