package dev.prefork.supervisor;

/**
 * Everything the {@link Arbiter} does to worker processes, and the clock it decides by. The arbiter
 * holds the policy (how many, when to replace, when to back off, when to kill); this holds the
 * mechanism. The supervisor's implementation spawns and signals real processes
 * ({@link SpawnedWorkers}); the policy tests give the arbiter a fake that records what it was asked
 * to do and whose time they set.
 */
interface WorkerProcesses {

    /** Starts a worker for {@code pool} in scoreboard slot {@code slot} that serves {@code maxRequests} connections (0: no limit); returns its pid. */
    long spawn(Pool pool, int slot, int maxRequests);

    /** A child is gone (reaped, or found missing); {@code cleanly} when it exited with status 0. */
    void exited(long pid, boolean cleanly);

    /** Whether a process with this pid still exists. */
    boolean exists(long pid);

    /** Asks a worker to leave after its current connection: over its link once it has one, else by SIGTERM. */
    void quit(Child child);

    /** Ends a worker at once (SIGKILL). */
    void kill(long pid);

    /** Asks a worker to leave after the connection it serves or takes next (see {@link WorkerMessages}). */
    void retire(Child child);

    /** Asks a ready worker to serve on past its max_requests until released (see {@link WorkerMessages}). */
    void hold(Child child);

    /** Lets a held worker leave at its max_requests, or at once if it is past it (see {@link WorkerMessages}). */
    void release(Child child);

    /** The limits new workers get, changeable while the pool runs. */
    LiveLimits limits();

    /** Monotonic milliseconds: deadlines must not move when the wall clock does. */
    long nowMillis();
}
