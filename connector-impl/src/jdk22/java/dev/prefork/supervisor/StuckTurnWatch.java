package dev.prefork.supervisor;

import dev.prefork.engine.protocol.Scoreboard;

/**
 * Notices, per pool, a worker that holds the accept turn (the lock file, the semaphore, the pipe token)
 * and does not take the connections waiting for it: stopped ({@code kill -STOP}), hung, or never
 * scheduled. While it holds the turn no sibling accepts, so every new client waits in the listen queue;
 * gunicorn and unicorn kill a worker that stopped heart-beating for the same reason.
 *
 * <p>The scoreboard is the heartbeat: a worker writes its state and the time of the change at every
 * step, so the holder is the worker whose slot says {@code accepting}, and one that accepts a
 * connection leaves that state within microseconds. A holder is stuck when, at every look for
 * {@link #STUCK_MILLIS}, connections were waiting and it was the same worker in the same
 * {@code accepting} record (same pid, same time of change). An empty queue clears suspicion: a holder
 * blocked in accept() with nobody to accept is healthy however long it waits.
 */
final class StuckTurnWatch {
    /** How long the same holder may sit in accept() while connections wait before it is killed. */
    static final long STUCK_MILLIS = 3_000;

    /** Per pool: the suspected holder's pid and time of change, and when it was first seen so; 0 when none. */
    private final long[] suspectPid;
    private final long[] suspectSince;
    private final long[] suspectedAt;
    /** Per pool: since when no worker held the turn while some waited for it and clients waited; 0 when not. */
    private final long[] turnlessSince;

    StuckTurnWatch(int pools) {
        suspectPid = new long[pools];
        suspectSince = new long[pools];
        suspectedAt = new long[pools];
        turnlessSince = new long[pools];
    }

    /**
     * One look for a lost turn (serialize pipe: a token that died with its worker between the read that
     * took it and the scoreboard's {@code accepting}, which the reaper cannot tell from a worker that
     * only waited): {@code waiters} says some worker waits for the turn while none holds it. Returns how
     * long that has lasted with clients waiting, or 0 while it is not (yet) {@link #STUCK_MILLIS}.
     */
    long lookForLostTurn(int pool, boolean waiters, int depth, long nowMillis) {
        if (!waiters || depth <= 0) {
            turnlessSince[pool] = 0;
            return 0;
        }
        if (turnlessSince[pool] == 0) {
            turnlessSince[pool] = nowMillis;
            return 0;
        }
        long lostFor = nowMillis - turnlessSince[pool];
        if (lostFor < STUCK_MILLIS) {
            return 0;
        }
        turnlessSince[pool] = 0;
        return lostFor;
    }

    /**
     * One look at pool {@code pool}: {@code holder} is the slot of the worker that says it is accepting
     * (null when none does), {@code depth} the connections waiting in the listen queue (-1 when the port
     * cannot say). Returns how long the holder has been seen stuck, or 0 while it is not (yet) stuck.
     */
    long look(int pool, Scoreboard.SlotView holder, int depth, long nowMillis) {
        if (holder == null || depth <= 0) {
            suspectPid[pool] = 0;
            return 0;
        }
        if (holder.pid() != suspectPid[pool] || holder.sinceMillis() != suspectSince[pool]) {
            suspectPid[pool] = holder.pid();
            suspectSince[pool] = holder.sinceMillis();
            suspectedAt[pool] = nowMillis;
            return 0;
        }
        long stuckFor = nowMillis - suspectedAt[pool];
        return stuckFor >= STUCK_MILLIS ? stuckFor : 0;
    }

    /** The holder of {@code pool} was dealt with: start afresh. */
    void forget(int pool) {
        suspectPid[pool] = 0;
    }
}
