package dev.prefork.supervisor;

import java.nio.channels.SocketChannel;

/** The supervisor's record of one worker process it spawned. */
final class Child {
    final long pid;
    final Pool pool;
    final int slot;
    final long spawnedMillis;
    /** The worker's link, once it said hello. */
    SocketChannel link;
    /** Told to quit (stop, TTOU); not counted toward its pool's target any more. */
    boolean quitRequested;
    /** Replaced by a rolling restart: quits as soon as a new worker of its pool is ready. */
    boolean retiring;
    /** Killed with SIGKILL because it outlived graceful_shutdown_timeout. */
    boolean killedAfterGrace;

    Child(long pid, Pool pool, int slot, long spawnedMillis) {
        this.pid = pid;
        this.pool = pool;
        this.slot = slot;
        this.spawnedMillis = spawnedMillis;
    }

    boolean ready() {
        return link != null;
    }

    /** Counts toward its pool's target: neither quitting nor being replaced. */
    boolean counts() {
        return !quitRequested && !retiring;
    }
}
