package dev.prefork.supervisor;

import java.nio.channels.SocketChannel;

/** The supervisor's record of one worker process it spawned. */
final class Child {
    final long pid;
    final Pool pool;
    final int slot;
    final long spawnedMillis;
    /** When it was spawned on the arbiter's monotonic clock: worker_boot_timeout counts from here. */
    final long spawnedAtTick;
    /** The worker's link, once it said hello. */
    SocketChannel link;
    /** Told to quit (stop, TTOU); not counted toward its pool's target any more. */
    boolean quitRequested;
    /** Replaced by a rolling restart: quits as soon as a new worker of its pool is ready. */
    boolean retiring;
    /** Killed with SIGKILL because it outlived graceful_shutdown_timeout. */
    boolean killedAfterGrace;
    /** Killed with SIGKILL because it held the accept turn while connections waited (see {@link StuckTurnWatch}). */
    boolean killedStuck;
    /** Killed with SIGKILL because it did not reach its accept loop within worker_boot_timeout. */
    boolean killedAtBoot;

    Child(long pid, Pool pool, int slot, long spawnedMillis, long spawnedAtTick) {
        this.pid = pid;
        this.pool = pool;
        this.slot = slot;
        this.spawnedMillis = spawnedMillis;
        this.spawnedAtTick = spawnedAtTick;
    }

    boolean ready() {
        return link != null;
    }

    /** Counts toward its pool's target: neither quitting nor being replaced. */
    boolean counts() {
        return !quitRequested && !retiring;
    }

    /** Already sent SIGKILL by the arbiter, for whatever reason: only its reaping is awaited. */
    boolean killed() {
        return killedAfterGrace || killedStuck || killedAtBoot;
    }
}
