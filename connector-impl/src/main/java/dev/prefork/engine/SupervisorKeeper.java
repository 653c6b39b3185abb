package dev.prefork.engine;

import dev.prefork.engine.launch.SupervisorProcess;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a supervisor running for one engine: a thread waits for the current supervisor to die and,
 * unless the engine is stopping, logs the death with its cause and starts a new one (the same bridge,
 * secret and ports), after a back-off that doubles with each death in a row. After
 * {@link #CRASH_LOOP_DEATHS} deaths within {@link #CRASH_LOOP_WINDOW_MILLIS} it gives up and reports the
 * endpoint failed: a supervisor that cannot stay up is a fault to show, not to hide.
 */
final class SupervisorKeeper {
    private static final Logger LOG = Logger.getLogger(SupervisorKeeper.class.getName());
    static final int CRASH_LOOP_DEATHS = 5;
    static final long CRASH_LOOP_WINDOW_MILLIS = TimeUnit.MINUTES.toMillis(5);
    private static final long FIRST_BACKOFF_MILLIS = 1_000;
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    /** Starts a supervisor and waits until it serves; cleans up after a dead one first. */
    interface Launcher {
        SupervisorProcess relaunch(SupervisorProcess dead) throws Exception;
    }

    private final String name;
    private final Launcher launcher;
    private final Thread watcher;
    /** Death times (monotonic ms) within the crash-loop window. */
    private final Deque<Long> recentDeaths = new ArrayDeque<>();
    private volatile SupervisorProcess current;
    private volatile long restarts;
    private volatile String failure;
    private volatile boolean stopping;

    SupervisorKeeper(String name, SupervisorProcess first, Launcher launcher) {
        this.name = name;
        this.current = first;
        this.launcher = launcher;
        this.watcher = new Thread(this::watch, "prefork-supervisor-keeper-" + name);
        watcher.setDaemon(true);
    }

    void start() {
        watcher.start();
    }

    SupervisorProcess current() {
        return current;
    }

    long restarts() {
        return restarts;
    }

    /** Why the endpoint is down for good (the crash-loop limit was reached), or null. */
    String failure() {
        return failure;
    }

    /** From now on a death is the end: no restart. Waits for a restart under way to be abandoned. */
    void stop() {
        stopping = true;
        watcher.interrupt();
        try {
            watcher.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void watch() {
        try {
            while (true) {
                SupervisorProcess dead = current;
                dead.awaitDeath();
                if (stopping) {
                    return;
                }
                long backoff = recordDeath();
                LOG.warning(name + ": the supervisor (pid " + dead.pid() + ") died: " + dead.causeOfDeath()
                        + "; its workers leave with it" + (failure != null ? "" : "; starting a new one in " + backoff + " ms"));
                if (failure != null) {
                    LOG.severe(name + ": " + failure);
                    return;
                }
                Thread.sleep(backoff);
                if (!restart(dead)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // stopping
        }
    }

    /** Launches a successor, counting a failed launch as one more death; false when giving up or stopping. */
    private boolean restart(SupervisorProcess dead) throws InterruptedException {
        while (true) {
            try {
                SupervisorProcess next = launcher.relaunch(dead);
                if (stopping) {
                    next.closeInput();
                    return false;
                }
                current = next;
                restarts++;
                LOG.info(name + ": supervisor restarted (pid " + next.pid() + ", restart " + restarts + ")");
                return true;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (stopping) {
                    return false;
                }
                long backoff = recordDeath();
                if (failure != null) {
                    LOG.log(Level.SEVERE, name + ": " + failure + " (last start failed)", e);
                    return false;
                }
                LOG.log(Level.WARNING, name + ": starting a new supervisor failed; trying again in " + backoff + " ms", e);
                Thread.sleep(backoff);
            }
        }
    }

    /** Notes a death; returns the back-off before the next start, and sets {@link #failure} at the limit. */
    private long recordDeath() {
        long now = TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
        recentDeaths.addLast(now);
        while (now - recentDeaths.peekFirst() > CRASH_LOOP_WINDOW_MILLIS) {
            recentDeaths.removeFirst();
        }
        if (recentDeaths.size() >= CRASH_LOOP_DEATHS) {
            failure = "the supervisor died " + recentDeaths.size() + " times within " + TimeUnit.MILLISECONDS.toSeconds(CRASH_LOOP_WINDOW_MILLIS)
                    + " s; not restarting it again: the endpoint is down until it is restarted or redeployed";
        }
        return Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(5, recentDeaths.size() - 1));
    }
}
