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
     * SIGHUP after the settings were read again: as {@link #restartAll}, with {@code next}'s programs,
     * copies, program_socket, name, user, group, chroot, crash_limit, graceful_shutdown_timeout and
     * exit_command; a program no longer listed is stopped. The listening sockets stay as bound at start.
     *
     * @throws IllegalStateException when {@code next} cannot be applied while running (a program pool added
     *                               or removed); nothing changes then
     * @throws IOException           when {@code next}'s user, group or chroot cannot be used; nothing changes then
     */
    void reconfigure(ProgramPlan next, String why) throws java.io.IOException;

    /** SIGTTIN/SIGTTOU: the program pool keeps {@code delta} copies more (or fewer, at least one); see Net::Server. */
    void resizePool(int delta, String why);

    /** sig_passthrough: sends {@code signal} (its number) to every running program's process group. */
    void passOn(int signal, String name);

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
