package dev.prefork.engine;

/** What a worker process is doing, as it records it in the pool's scoreboard. */
public enum WorkerState {
    /** A slot with no worker. */
    EMPTY,
    /** Spawned; its JVM is starting and has not reached its accept loop yet. */
    STARTING,
    /** Idle, waiting for its turn to accept (the serialization lock). */
    WAITING,
    /** Idle, holding the turn and blocked in accept(). */
    ACCEPTING,
    /** Serving a client connection. */
    PROCESSING,
    /** Leaving: served max_requests, or told to stop. */
    EXITING,
    /**
     * Idle but unable to accept: accept() keeps failing (out of descriptors, say), so it waits before
     * trying again, and leaves to be replaced if that goes on. Last, so the codes before it keep their
     * meaning in the scoreboard.
     */
    BACKING_OFF;

    private static final WorkerState[] BY_CODE = values();

    public static WorkerState ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : EMPTY;
    }

    /** Idle workers are the ones that can take a new connection right now. */
    public boolean isIdle() {
        return this == WAITING || this == ACCEPTING;
    }
}
