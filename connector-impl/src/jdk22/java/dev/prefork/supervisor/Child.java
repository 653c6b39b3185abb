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
    /** The connections it serves before it leaves by itself (max_requests plus its jitter); 0 is no limit. */
    final int maxRequests;
    /** Its scoreboard's served count when the arbiter last looked, for the pool's rate (see {@link Successors}). */
    long lastServed;
    /**
     * Near its max_requests, its successor was spawned ahead (see {@link Successors}): no longer counted toward
     * its pool's target, but it goes on serving until it leaves by itself.
     */
    boolean succeeded;
    /** When its successor was spawned ahead, on the arbiter's clock. */
    long succeededAtTick;
    /** Succeeded and told to serve on past its max_requests until its pool is whole again (see {@link WorkerMessages}). */
    boolean held;
    /** Seen at or past its max_requests while held: recycling outpaced start-up (counted once per worker). */
    boolean heldPastLimit;
    /** Retired because it was still there long after its successor took over: it left for max_requests. */
    boolean retiredOverdue;
    /** The worker whose successor this one was spawned as, before that one's end (0: none). */
    long successorOf;
    /** Its successor has been spawned (a worker spawned with {@link #successorOf} this one's pid). */
    boolean successorSpawned;
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

    Child(long pid, Pool pool, int slot, long spawnedMillis, long spawnedAtTick, int maxRequests) {
        this.pid = pid;
        this.pool = pool;
        this.slot = slot;
        this.spawnedMillis = spawnedMillis;
        this.spawnedAtTick = spawnedAtTick;
        this.maxRequests = maxRequests;
    }

    boolean ready() {
        return link != null;
    }

    /** Counts toward its pool's target: neither quitting nor being replaced, nor succeeded ahead of its end. */
    boolean counts() {
        return !quitRequested && !retiring && !succeeded;
    }

    /** Takes connections, or will once ready: neither told to go nor being replaced (it may have a successor already). */
    boolean serving() {
        return !quitRequested && !retiring;
    }

    /** Already sent SIGKILL by the arbiter, for whatever reason: only its reaping is awaited. */
    boolean killed() {
        return killedAfterGrace || killedStuck || killedAtBoot;
    }
}
