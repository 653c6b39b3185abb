package dev.prefork.engine;

import java.time.Instant;
import java.util.List;

/**
 * The pool at one moment, as the supervisor sees it.
 *
 * @param takenAt       when the supervisor read the scoreboard
 * @param supervisorPid the supervisor's process id
 * @param target        workers the supervisor keeps running ({@code max_servers} per port)
 * @param spawned       workers spawned since the pool started
 * @param exited        workers that exited since the pool started (recycled, crashed or stopped)
 * @param workers       every live worker
 * @param retiredForRss workers retired because their RSS passed {@code max_worker_rss}
 * @param retiredForAge workers retired because they passed {@code max_worker_age}
 * @param supervisorRestarts how often the controlling JVM restarted a supervisor that died (spawned and
 *                      exited count from the current supervisor's start)
 */
public record PoolSnapshot(Instant takenAt, long supervisorPid, int target, long spawned, long exited,
                           List<WorkerSnapshot> workers, long retiredForRss, long retiredForAge, long supervisorRestarts) {

    /** This snapshot with the restart count, which the controlling JVM knows and the supervisor does not. */
    public PoolSnapshot withSupervisorRestarts(long restarts) {
        return new PoolSnapshot(takenAt, supervisorPid, target, spawned, exited, workers, retiredForRss, retiredForAge, restarts);
    }

    /** Workers in the given state. */
    public long count(WorkerState state) {
        return workers.stream().filter(w -> w.state() == state).count();
    }

    /** Workers that could take a connection right now. */
    public long idle() {
        return workers.stream().filter(w -> w.state().isIdle()).count();
    }

    /** One line for a log or a terminal: "8 workers (3 processing, 5 idle, 0 starting); 1234 served; 12 spawned, 4 exited". */
    public String summary() {
        long served = workers.stream().mapToLong(WorkerSnapshot::served).sum();
        return workers.size() + " workers (" + count(WorkerState.PROCESSING) + " processing, " + idle() + " idle, "
                + count(WorkerState.STARTING) + " starting, " + count(WorkerState.EXITING) + " exiting) of " + target
                + "; " + served + " connections served by the live ones; " + spawned + " spawned, " + exited + " exited"
                + (retiredForRss + retiredForAge > 0 ? "; retired: " + retiredForRss + " for RSS, " + retiredForAge + " for age" : "")
                + (supervisorRestarts > 0 ? "; supervisor restarted " + supervisorRestarts + " times" : "");
    }
}
