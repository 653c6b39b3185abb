package dev.prefork.adapter;

import dev.prefork.bridge.LinkExecutor;
import dev.prefork.bridge.PatientExecutor;
import dev.prefork.engine.protocol.LogThrottle;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Runs each connection's delivery as Work of the container's {@link WorkManager}, so the MDB is called on
 * a container thread with the container's context: with {@code handoff descriptor} and
 * {@code max_clients 0} inside each worker link's long-running Work (see {@link #startLinkLoop}),
 * otherwise as a Work per connection.
 *
 * <p>The container's threads are a cap of their own between a worker and its client (WildFly's default
 * WorkManager has 50 long-running threads, shared by every adapter): a link or a connection that no
 * thread takes would wait in the WorkManager's queue for as long as the clients before it stay connected.
 * So every Work is handed over with {@code scheduleWork} (which returns at once; IronJacamar's
 * {@code startWork} waits for a thread without bound once the work is queued) and must start within
 * {@link #START_TIMEOUT_MILLIS}; one that does not is abandoned (it returns at once if a thread takes it
 * later) and the client reads the busy line ({@code ServedConnection.refuse}), with a log line that says
 * how many of ours run on the container's threads and what to raise.
 *
 * <p>The work in flight per endpoint is bounded by the pool itself: by {@code max_clients} with
 * {@code handoff descriptor}, else one client per worker, so
 * {@code max_servers} per port: give the WorkManager at least that many threads per endpoint.
 *
 * <p>{@link #executeWithoutWaiting} is the same bounded start without the wait: the engine's first-byte
 * poller and the threads that free {@code max_clients} slots deliver that way, since one of them blocked
 * for up to {@link #START_TIMEOUT_MILLIS} while the WorkManager is starved would stall every connection
 * waiting behind it. One timer thread per endpoint gives up on the starts that did not happen in time.
 */
final class WorkManagerExecutor implements LinkExecutor, PatientExecutor, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WorkManagerExecutor.class.getName());
    /** How long a link or a connection may wait for a WorkManager thread before it is refused. */
    static final long START_TIMEOUT_MILLIS = 2_000;
    /** What a client refused for want of a thread reads after "busy: ". */
    private static final String NO_THREAD = "the server has no thread free";
    /** What an operator raises, per server; the README's "Application server limits" has the commands. */
    static final String RAISE = "give the server's WorkManager at least the sum of max_servers over its endpoints in"
            + " long-running threads (WildFly: /subsystem=jca/workmanager=default/long-running-threads=default"
            + " core-threads and max-threads, default 50; GlassFish: a thread pool of the adapter's own,"
            + " create-resource-adapter-config --threadpoolid; Liberty: <executor coreThreads=.../>; see the README,"
            + " Delivery)";

    private final WorkManager workManager;
    private final boolean longRunningHint;
    private final String endpoint;
    /** This endpoint's links and connections running on container threads now. */
    private final AtomicInteger running = new AtomicInteger();
    private final LogThrottle refusals = new LogThrottle(10, TimeUnit.SECONDS);
    /**
     * When a start last timed out (System.nanoTime), or 0 once one of ours started or ended since: while it
     * is recent, connections are refused at once instead of each waiting for a thread in vain (with
     * {@code handoff relay} one bridge thread dispatches them all, one after another).
     */
    private final AtomicLong starvedSince = new AtomicLong();
    /** Gives up on the starts {@link #executeWithoutWaiting} did not see happen in time; made at first use. */
    private ScheduledThreadPoolExecutor startTimer;
    private boolean closed;

    WorkManagerExecutor(WorkManager workManager, boolean longRunningHint, String endpoint) {
        this.workManager = workManager;
        this.longRunningHint = longRunningHint;
        this.endpoint = endpoint;
    }

    /**
     * With {@code handoff descriptor}: one long-running Work per worker, for the worker's life, that
     * receives the worker's clients and delivers each to the MDB on that same thread. Says false when no
     * thread took it within {@link #START_TIMEOUT_MILLIS}; the engine then reads the link itself and
     * hands each connection to {@link #execute}.
     */
    @Override
    public boolean startLinkLoop(Runnable linkLoop, String name) {
        try {
            if (startWithin(linkLoop, name)) {
                return true;
            }
            LOG.warning(endpoint + ": only " + running.get() + " worker links and connections of this endpoint got a"
                    + " WorkManager thread; no thread took another within " + START_TIMEOUT_MILLIS + " ms, so its"
                    + " connections are handed over one by one, and answered busy while no thread is free: " + RAISE);
        } catch (WorkException e) {
            LOG.warning(endpoint + ": the WorkManager rejected a worker link (" + e.getMessage() + "); its connections"
                    + " will be handed over one by one: " + RAISE);
        }
        return false;
    }

    /** Runs {@code task} on a WorkManager thread, or throws {@link RejectedExecutionException} when none takes it in time. */
    @Override
    public void execute(Runnable task) {
        String why;
        WorkException cause = null;
        try {
            why = starvedRecently();
            if (why == null) {
                if (startWithin(task, "prefork-" + endpoint)) {
                    return;
                }
                why = "no WorkManager thread took it within " + START_TIMEOUT_MILLIS + " ms";
            }
        } catch (WorkException e) {
            why = "the WorkManager rejected it (" + e.getMessage() + ")";
            cause = e;
        }
        logRefusal(why);
        throw new RejectedExecutionException(NO_THREAD, cause);
    }

    /**
     * Schedules {@code task} and returns at once; a timer abandons it when no container thread has
     * started it within {@link #START_TIMEOUT_MILLIS}, and {@code refused} then runs on the timer's thread.
     */
    @Override
    public void executeWithoutWaiting(Runnable task, Consumer<String> refused) {
        String why = starvedRecently();
        if (why == null) {
            try {
                scheduleGated(task, "prefork-" + endpoint, () -> {
                    starvedSince.set(Math.max(1, System.nanoTime()));
                    logRefusal("no WorkManager thread took it within " + START_TIMEOUT_MILLIS + " ms");
                    refused.accept(NO_THREAD);
                });
                return;
            } catch (WorkException e) {
                why = "the WorkManager rejected it (" + e.getMessage() + ")";
            } catch (RejectedExecutionException e) {
                // The endpoint is stopping (its timer is shut down): the work may still start; if it does not,
                // the stop's drain ends its connection.
                return;
            }
        }
        logRefusal(why);
        refused.accept(NO_THREAD);
    }

    /**
     * A dequeue job ({@code runDequeue()}): started as a connection is, within {@link #START_TIMEOUT_MILLIS}
     * and without waiting for it, but a job that no thread takes only tells {@code refused} why (its schedule
     * logs it and tries again at the next check); no client is answered busy.
     */
    void executeJob(Runnable job, Consumer<String> refused) {
        try {
            scheduleGated(job, "prefork-dequeue-" + endpoint, () -> refused.accept("no WorkManager thread took it within "
                    + START_TIMEOUT_MILLIS + " ms; " + running.get() + " of this endpoint's links, connections and jobs run on"
                    + " its threads: " + RAISE));
        } catch (WorkException e) {
            refused.accept("the WorkManager rejected it (" + e.getMessage() + ")");
        } catch (RejectedExecutionException e) {
            refused.accept("the endpoint is stopping");
        }
    }

    /**
     * Schedules {@code task}; a timer abandons it when no container thread has started it within
     * {@link #START_TIMEOUT_MILLIS}, and runs {@code timedOut} on its thread then.
     *
     * @throws RejectedExecutionException when the endpoint is stopping (the task may still start)
     */
    private void scheduleGated(Runnable task, String name, Runnable timedOut) throws WorkException {
        StartGate gate = new StartGate(task);
        workManager.scheduleWork(new ConnectionWork(gate, longRunningHint, name));
        gate.timeout = timer().schedule(() -> {
            if (gate.abandon()) {
                timedOut.run();
            }
        }, START_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Why a connection is refused at once (a start timed out lately and nothing of ours ended since), or null. */
    private String starvedRecently() {
        long starved = starvedSince.get();
        if (starved != 0 && System.nanoTime() - starved < TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS)) {
            return "no WorkManager thread took the previous one within " + START_TIMEOUT_MILLIS + " ms, and none of"
                    + " this endpoint's has ended since";
        }
        return null;
    }

    private void logRefusal(String why) {
        String line = refusals.line(endpoint + ": answering a connection busy: " + why + "; only " + running.get()
                + " of this endpoint's worker links and connections run on its threads: " + RAISE);
        if (line != null) {
            LOG.warning(line);
        }
    }

    private synchronized ScheduledThreadPoolExecutor timer() {
        if (closed) {
            throw new RejectedExecutionException(endpoint + " is stopping");
        }
        if (startTimer == null) {
            startTimer = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(task, "prefork-work-starts-" + endpoint);
                thread.setDaemon(true);
                return thread;
            });
            // Most starts happen at once; their cancelled timeouts leave the queue instead of waiting 2 s in it.
            startTimer.setRemoveOnCancelPolicy(true);
        }
        return startTimer;
    }

    /** Stops the timer thread (at the endpoint's stop); starts still pending are given up quietly. */
    @Override
    public synchronized void close() {
        closed = true;
        if (startTimer != null) {
            startTimer.shutdownNow();
        }
    }

    /**
     * Schedules {@code task} and waits until a container thread runs it, at most {@link #START_TIMEOUT_MILLIS}.
     * False when it did not start in time: it is then abandoned, and a thread that takes it later returns
     * at once.
     */
    private boolean startWithin(Runnable task, String name) throws WorkException {
        StartGate gate = new StartGate(task);
        workManager.scheduleWork(new ConnectionWork(gate, longRunningHint, name));
        boolean started = gate.awaitStart(START_TIMEOUT_MILLIS);
        if (!started) {
            starvedSince.set(Math.max(1, System.nanoTime()));
        }
        return started;
    }

    /** A task that runs only if it starts before its caller gives up waiting for it. */
    private final class StartGate implements Runnable {
        private static final int WAITING = 0;
        private static final int STARTED = 1;
        private static final int ABANDONED = 2;

        private final Runnable task;
        private final AtomicInteger state = new AtomicInteger(WAITING);
        private final CountDownLatch started = new CountDownLatch(1);
        /** With {@link #executeWithoutWaiting}: the timer's give-up, cancelled once the task started. */
        volatile ScheduledFuture<?> timeout;

        StartGate(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            if (!state.compareAndSet(WAITING, STARTED)) {
                return; // its caller gave up on it; the client was answered busy
            }
            started.countDown();
            ScheduledFuture<?> giveUp = timeout;
            if (giveUp != null) {
                giveUp.cancel(false);
            }
            starvedSince.set(0);
            running.incrementAndGet();
            try {
                task.run();
            } finally {
                running.decrementAndGet();
                starvedSince.set(0); // a thread is free again
            }
        }

        /** True when it had not started and now never will. */
        boolean abandon() {
            return state.compareAndSet(WAITING, ABANDONED);
        }

        boolean awaitStart(long timeoutMillis) {
            try {
                started.await(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stopping: give up on it below, unless it started
            }
            return !state.compareAndSet(WAITING, ABANDONED);
        }
    }
}
