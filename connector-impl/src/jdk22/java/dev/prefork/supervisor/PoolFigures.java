package dev.prefork.supervisor;

import dev.prefork.engine.WorkerState;
import dev.prefork.engine.protocol.Scoreboard;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the arbiter knows about its pool, published for the threads that answer the status port, the
 * agent-check port and the controlling JVM's status requests. The arbiter alone writes the worker list
 * and the departure counters; the {@link SaturationSampler} writes the saturation figures; readers take
 * an immutable copy. Nothing here is touched per connection.
 */
final class PoolFigures {
    /**
     * One worker as the arbiter knows it (the scoreboard says what it is doing).
     *
     * @param leaving   told to leave (quit, retire, a rolling restart): it takes no new connection
     * @param recycling its part in recycling ahead of max_requests (see {@link Successors}): {@link #SUCCEEDED}
     *                  (its successor was started early, it serves on), {@link #HELD} (and its pool is not whole
     *                  yet: it serves past max_requests until the successor accepts), "successor of PID" (this
     *                  worker was started early for that one), or empty
     */
    record Worker(int slot, long pid, int portIndex, long spawnedMillis, boolean leaving, String recycling) {
        static final String SUCCEEDED = "successor started";
        static final String HELD = "held for its successor";

        static String recyclingOf(Child child) {
            if (child.held) {
                return HELD;
            }
            if (child.succeeded) {
                return SUCCEEDED;
            }
            return child.successorOf != 0 ? "successor of " + child.successorOf : "";
        }
    }

    /** The pool's lifecycle as /health and the agent-check report it. */
    enum Phase { SERVING, DRAINING, STOPPING }

    private final long startedMillis = System.currentTimeMillis();
    private volatile List<Worker> workers = List.of();
    private volatile int target;
    private volatile int ready;
    private volatile Phase phase = Phase.SERVING;
    private final Map<Departure, Long> departures = new EnumMap<>(Departure.class);
    /** Connections accepted by workers that are gone (the live ones count theirs in the scoreboard). */
    private long servedByGone;
    private int maxBusy;
    private long allBusyTimes;
    private int listenQueueMax;
    private long successorsStartedEarly;
    private long heldPastLimit;

    long startedMillis() {
        return startedMillis;
    }

    /** The arbiter, after every event: its workers, its target over all ports, and how many are ready. */
    void publish(Collection<Child> children, int target, int ready, Phase phase) {
        List<Worker> copy = new ArrayList<>(children.size());
        for (Child child : children) {
            copy.add(new Worker(child.slot, child.pid, child.pool.index, child.spawnedMillis, !child.serving(),
                    Worker.recyclingOf(child)));
        }
        copy.sort((a, b) -> Integer.compare(a.slot(), b.slot()));
        this.workers = List.copyOf(copy);
        this.target = target;
        this.ready = ready;
        this.phase = phase;
    }

    /** The arbiter, when it reaped a worker that had accepted {@code accepted} connections. */
    synchronized void departed(Departure why, long accepted) {
        departures.merge(why, 1L, Long::sum);
        servedByGone += accepted;
    }

    /** The arbiter spawned a worker's successor before that worker's last connection. */
    synchronized void successorStartedEarly() {
        successorsStartedEarly++;
    }

    /** The arbiter saw a worker held for its successor at or past its max_requests: recycling outpaced start-up. */
    synchronized void heldPastLimit() {
        heldPastLimit++;
    }

    /**
     * Connections a worker accepted, from its slot: the finished ones, and the one it was serving, which
     * counts as accepted even when the worker died or was cut off in it (the total must never shrink).
     */
    static long accepted(Scoreboard.SlotView slot) {
        return slot.served() + (slot.state() == WorkerState.PROCESSING ? 1 : 0);
    }

    /** The sampler: busy workers and the deepest listen queue seen at one sample. */
    synchronized void sampled(int busy, boolean allBusy, boolean wasAllBusy, int listenQueue) {
        maxBusy = Math.max(maxBusy, busy);
        if (allBusy && !wasAllBusy) {
            allBusyTimes++;
        }
        listenQueueMax = Math.max(listenQueueMax, listenQueue);
    }

    List<Worker> workers() {
        return workers;
    }

    int target() {
        return target;
    }

    int ready() {
        return ready;
    }

    Phase phase() {
        return phase;
    }

    /**
     * The counters at one moment.
     *
     * @param successorsStartedEarly successors spawned before their worker's last connection
     * @param heldPastLimit          workers that reached max_requests before their successor accepted and served
     *                               on (recycling outpaced start-up)
     */
    record Counters(Map<Departure, Long> departures, long servedByGone, int maxBusy, long allBusyTimes, int listenQueueMax,
                    long successorsStartedEarly, long heldPastLimit) {
    }

    synchronized Counters counters() {
        Map<Departure, Long> copy = new EnumMap<>(Departure.class);
        for (Departure why : Departure.values()) {
            copy.put(why, departures.getOrDefault(why, 0L));
        }
        return new Counters(copy, servedByGone, maxBusy, allBusyTimes, listenQueueMax, successorsStartedEarly, heldPastLimit);
    }
}
