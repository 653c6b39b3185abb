package dev.prefork.supervisor;

import dev.prefork.engine.protocol.Scoreboard;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * When to spawn a worker's successor before the worker reaches max_requests, so that recycling never
 * leaves a pool with fewer accepting workers than its target.
 *
 * <p>Spawning a replacement only once a worker has left empties a busy pool whenever workers leave faster
 * than JVMs start: under load a start costs seconds, and as each worker leaves the rest take its share
 * and reach their own limit sooner, so the whole pool can leave within one start-up, jitter or not (the
 * soak, issue 9 fault 8: every connection-per-request client timed out at one instant, the listen queue
 * holding them while no worker was left to accept). So the arbiter reads each worker's served count from
 * the scoreboard a few times a second and, when a worker's remaining connections would last less than
 * twice a recent start-up at its share of the pool's recent rate, spawns its successor at once. The
 * worker is then {@linkplain Child#succeeded succeeded}: no longer counted toward the target (that is
 * how the successor gets spawned, within max_starting), but it goes on serving until its own
 * max_requests, as Net::Server's semantics want (a worker serves at most that many, never more).
 *
 * <p>Bounded: at most {@link #aheadLimit} succeeded workers per pool at once, so a pool is never more
 * than two workers over its target because of this; and a succeeded worker that is still there long after
 * its end was due (the load fell away) is retired once its pool is whole, so the extra does not stay.
 */
final class Successors {
    /** How often the served counts are read while some worker has a max_requests. */
    static final long LOOK_INTERVAL_MILLIS = 250;
    /** Before any worker was seen starting: a JVM's start on a loaded small machine. */
    static final long FIRST_STARTUP_GUESS_MILLIS = 2_000;
    /** How fast the pool's rate follows a change: the time constant of its moving average. */
    private static final long RATE_TIME_CONSTANT_MILLIS = 1_000;
    /** A succeeded worker still serving this many leads after its successor was spawned is retired. */
    private static final int OVERDUE_LEADS = 4;
    private static final long OVERDUE_AT_LEAST_MILLIS = 10_000;

    /** Recent start-up (spawn to hello), rising at once to a slower one and falling slowly. */
    private long startupMillis = FIRST_STARTUP_GUESS_MILLIS;
    private boolean startupMeasured;
    /** Each pool's connections per second, as a moving average; by pool index. */
    private final double[] rates;
    private long lastLookMillis = Long.MIN_VALUE;

    Successors(int poolCount) {
        this.rates = new double[poolCount];
    }

    /** A worker said hello {@code millis} after its spawn. */
    void started(long millis) {
        if (!startupMeasured || millis > startupMillis) {
            startupMillis = millis;
            startupMeasured = true;
        } else {
            startupMillis = (startupMillis * 4 + millis) / 5;
        }
    }

    /** How long before a worker's last connection its successor is spawned: twice a recent start-up, plus a look. */
    long leadMillis() {
        return 2 * startupMillis + LOOK_INTERVAL_MILLIS;
    }

    long startupMillis() {
        return startupMillis;
    }

    /** The pool's recent connections per second. */
    double rate(Pool pool) {
        return rates[pool.index];
    }

    /** At most this many succeeded workers of a pool at once: one for a pool of one, else two. */
    static int aheadLimit(Pool pool) {
        return pool.target <= 1 ? 1 : 2;
    }

    /**
     * Reads every ready worker's served count (updating the pools' rates) and returns the workers whose
     * successors are due now, fewest connections left first, within each pool's {@link #aheadLimit}.
     */
    List<Child> due(Collection<Child> children, List<Pool> pools, Scoreboard scoreboard, long now) {
        long[] served = new long[pools.size()];
        int[] serving = new int[pools.size()];
        int[] succeeded = new int[pools.size()];
        List<Child> candidates = new ArrayList<>();
        for (Child child : children) {
            if (!child.ready() || child.killed()) {
                continue;
            }
            Scoreboard.SlotView view = scoreboard.read(child.slot);
            if (view == null || view.pid() != child.pid) {
                continue;
            }
            int pool = child.pool.index;
            served[pool] += Math.max(0, view.served() - child.lastServed);
            child.lastServed = view.served();
            if (child.succeeded) {
                succeeded[pool]++;
            } else if (child.counts()) {
                serving[pool]++;
                if (child.maxRequests > 0) {
                    candidates.add(child);
                }
            }
        }
        if (lastLookMillis != Long.MIN_VALUE && now > lastLookMillis) {
            long elapsed = now - lastLookMillis;
            double weight = (double) elapsed / (elapsed + RATE_TIME_CONSTANT_MILLIS);
            for (int i = 0; i < rates.length; i++) {
                rates[i] += weight * (served[i] * 1000.0 / elapsed - rates[i]);
            }
        }
        lastLookMillis = now;

        candidates.sort(Comparator.comparingLong(child -> child.maxRequests - child.lastServed));
        List<Child> due = new ArrayList<>();
        for (Child child : candidates) {
            Pool pool = child.pool;
            if (succeeded[pool.index] >= aheadLimit(pool)) {
                continue;
            }
            long left = child.maxRequests - child.lastServed;
            double share = rates[pool.index] / Math.max(1, serving[pool.index]);
            // No floor: a quiet pool gets no successors ahead (its other workers accept meanwhile), or a pool
            // with max_requests 1 would spawn extras at every hello and retire them again when overdue, for ever.
            if (left <= share * leadMillis() / 1000.0) {
                due.add(child);
                succeeded[pool.index]++;
            }
        }
        return due;
    }

    /** Whether a succeeded worker is still serving long after its end was due: the load fell away. */
    boolean overdue(Child child, long now) {
        return now - child.succeededAtTick > Math.max(OVERDUE_AT_LEAST_MILLIS, OVERDUE_LEADS * leadMillis());
    }
}
