package dev.prefork.adapter;

import dev.prefork.dequeue.CallJob;
import dev.prefork.dequeue.DequeueSchedule;
import dev.prefork.dequeue.DequeueTimes;
import dev.prefork.engine.LiveRetune;
import dev.prefork.engine.PreforkEngine;
import jakarta.resource.spi.work.WorkManager;

import java.time.Duration;
import java.util.logging.Logger;

/**
 * One activated MDB endpoint: the running engine (supervisor, workers, bridge), the delivery that
 * hands its connections to the MDB, and the MDB's dequeue schedule when it has one. It owns them and
 * stops them: the dequeue jobs first (no new one; those running get graceful_shutdown_timeout, then an
 * interrupt), then the pool.
 */
final class ActiveEndpoint {
    private static final Logger LOG = Logger.getLogger(ActiveEndpoint.class.getName());
    /** How long a fresh pool may take until every worker accepts before activation goes on without waiting. */
    private static final Duration READY_WAIT = Duration.ofSeconds(30);
    /** Deliveries still running after the engine cut their connections off get this long to return. */
    private static final Duration DELIVERY_DRAIN = Duration.ofSeconds(5);

    private final EndpointSettings settings;
    private final EndpointDelivery delivery;
    private final PreforkEngine engine;
    /** Closed after the engine: its timer gives up on the starts the engine's deliveries still wait for. */
    private final WorkManagerExecutor executor;
    /** The MDB's runDequeue() schedule, or null. */
    private final DequeueSchedule dequeue;
    private boolean stopped;
    private SettingsRefresh refresh;

    private ActiveEndpoint(EndpointSettings settings, EndpointDelivery delivery, PreforkEngine engine,
                           WorkManagerExecutor executor, DequeueSchedule dequeue) {
        this.settings = settings;
        this.delivery = delivery;
        this.engine = engine;
        this.executor = executor;
        this.dequeue = dequeue;
    }

    /**
     * Starts the endpoint's pool; returns once its ports are bound (and, within a bound, its workers accept).
     *
     * @param delivery the delivery; its shutting-down hook should call {@link #stopInBackground(ActiveEndpoint)}
     * @param dequeue  the MDB's dequeue job, run on check_for_dequeue's schedule once the pool serves; or null
     */
    static ActiveEndpoint start(EndpointSettings settings, EndpointDelivery delivery, EndpointDequeue dequeue,
                                WorkManager workManager, boolean longRunningHint) throws Exception {
        WorkManagerExecutor executor = new WorkManagerExecutor(workManager, longRunningHint, settings.endpoint());
        PreforkEngine engine;
        try {
            engine = PreforkEngine.start(settings.config(), delivery, executor);
        } catch (Exception | Error e) {
            executor.close();
            throw e;
        }
        try {
            if (!engine.awaitAccepting(READY_WAIT)) {
                LOG.warning(settings.endpoint() + ": not every worker accepts after " + READY_WAIT.toSeconds()
                        + " s; the endpoint is active and serves with those that do");
            }
        } catch (InterruptedException e) {
            engine.stop();
            executor.close();
            Thread.currentThread().interrupt();
            throw e;
        }
        LOG.info(settings.endpoint() + ": listening on " + engine.boundAddresses() + " (supervisor pid "
                + engine.supervisorPid() + ", " + settings.config().maxServers() + " workers per port"
                + (delivery.transacted() ? ", transacted delivery" : "") + ")");
        return new ActiveEndpoint(settings, delivery, engine, executor, dequeue == null ? null : schedule(settings, dequeue, executor));
    }

    private static DequeueSchedule schedule(EndpointSettings settings, EndpointDequeue dequeue, WorkManagerExecutor executor) {
        DequeueTimes times = dequeue.times();
        String name = settings.endpoint();
        LOG.info(name + ": dequeue: runDequeue() every " + times.everySeconds() + " s on a WorkManager thread, at most "
                + times.max() + " at once");
        return DequeueSchedule.start(name, times, settings.config().gracefulShutdownTimeout(),
                () -> CallJob.start("call of runDequeue()", dequeue, executor::executeJob,
                        why -> LOG.warning(name + ": dequeue: runDequeue() not called: " + why + "; the next check tries again")),
                LOG::warning);
    }

    String name() {
        return settings.endpoint();
    }

    /**
     * Reads the settings again every {@code config_refresh} seconds on {@code timer} and applies the
     * live-changeable ones to the running pool; nothing when config_refresh is 0 or there is no timer.
     */
    synchronized void refreshEvery(java.util.Timer timer, SettingsRefresh.Source source) {
        int seconds = settings.config().configRefresh();
        if (seconds == 0 || timer == null || stopped) {
            return;
        }
        refresh = new SettingsRefresh(name(), new LiveRetune(engine, settings.config()), source);
        timer.schedule(refresh, seconds * 1000L, seconds * 1000L);
    }

    /**
     * Stops the pool on a thread of its own, for a delivery thread that learnt the container is stopping
     * the MDB (it must not wait for itself). {@link #stop()} called meanwhile waits for this stop. No
     * drain_timeout window: the container refuses every delivery from now on, so the ports close at once
     * and a balancer sends the next clients to another node instead of to a refusal here. A stop already
     * draining (the container deactivated the endpoint, then refused a delivery) ends its window too.
     */
    static void stopInBackground(ActiveEndpoint endpoint) {
        if (endpoint != null) {
            Thread stopper = new Thread(() -> {
                endpoint.engine.stopWithoutDrain(); // first, outside stop()'s lock, which a draining stop holds
                endpoint.stop(false);
            }, "prefork-stop-" + endpoint.name());
            stopper.setDaemon(true);
            stopper.start();
        }
    }

    /** Stops the pool at once, without a drain_timeout window: for a pool that no client was sent to. */
    void stopWithoutDrain() {
        engine.stopWithoutDrain();
        stop(false);
    }

    /**
     * Stops the pool (after drain_timeout; workers finish their connection within
     * {@code graceful_shutdown_timeout}, then everything is killed and removed), then waits a bounded
     * time for deliveries to return. Only the first call does it; later calls wait until it is done.
     */
    void stop() {
        stop(true);
    }

    private synchronized void stop(boolean drainFirst) {
        if (stopped) {
            return;
        }
        stopped = true;
        if (refresh != null) {
            refresh.cancel();
        }
        if (dequeue != null) {
            dequeue.stop();
        }
        if (drainFirst) {
            engine.stop();
        } else {
            engine.stopWithoutDrain();
        }
        executor.close();
        try {
            if (!delivery.awaitIdle(DELIVERY_DRAIN)) {
                LOG.warning(name() + ": some deliveries had not returned " + DELIVERY_DRAIN.toSeconds()
                        + " s after their connections were closed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
