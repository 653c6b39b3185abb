package dev.prefork.embedded;

import dev.prefork.adapter.EndpointSettings;
import dev.prefork.dequeue.DequeueSchedule;
import dev.prefork.dequeue.DequeueTimes;
import dev.prefork.engine.EngineException;
import dev.prefork.engine.PoolSnapshot;
import dev.prefork.engine.PreforkEngine;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One listener bean's running pool: the engine (supervisor, workers, bridge), the delivery to the
 * bean, and the bean's dequeue schedule when it has one. It owns them and stops them: the dequeue jobs
 * first, then the pool. The public methods tell an application or a test where the pool
 * listens and how it is doing.
 */
public final class ListenerPool {
    private static final Logger LOG = Logger.getLogger(ListenerPool.class.getName());
    /** Deliveries still running after the engine cut their connections off get this long to return. */
    private static final Duration DELIVERY_DRAIN = Duration.ofSeconds(5);

    private final Class<?> beanClass;
    private final EndpointSettings settings;
    private final BeanDelivery<?> delivery;
    private final PreforkEngine engine;
    /** The bean's runDequeue() schedule, or null. */
    private final DequeueSchedule dequeue;
    private boolean stopped;

    private ListenerPool(Class<?> beanClass, EndpointSettings settings, BeanDelivery<?> delivery, PreforkEngine engine,
                         DequeueSchedule dequeue) {
        this.beanClass = beanClass;
        this.settings = settings;
        this.delivery = delivery;
        this.engine = engine;
        this.dequeue = dequeue;
    }

    /**
     * Starts the pool; returns once its ports are bound and a first worker accepts (connections wait in
     * the listen backlog meanwhile), without waiting for the others: the application is up sooner.
     * With {@code firstWorkerOnly} (the default pacing, several pools starting at once) it starts one
     * worker per port and leaves the rest to {@link #startTheOtherWorkers}. Then the dequeue schedule
     * starts, when {@code dequeueTimes} is not null.
     */
    static ListenerPool start(Class<?> beanClass, EndpointSettings settings, BeanDelivery<?> delivery,
                              ContextualInstances<?> instances, DequeueTimes dequeueTimes,
                              boolean firstWorkerOnly) throws EngineException {
        PreforkEngine engine = PreforkEngine.start(firstWorkerOnly && deferrable(settings)
                ? settings.config().toBuilder().maxServers(1).build() : settings.config(), delivery);
        LOG.info(settings.endpoint() + ": listening on " + engine.boundAddresses() + " (" + beanClass.getName()
                + ", supervisor pid " + engine.supervisorPid() + ", " + settings.config().maxServers()
                + " workers per port)");
        DequeueSchedule dequeue = dequeueTimes == null ? null : BeanDequeue.start(settings, dequeueTimes, instances);
        return new ListenerPool(beanClass, settings, delivery, engine, dequeue);
    }

    /**
     * Whether starting the first worker alone and the rest later is this pool's own pacing anyway: the
     * default {@code max_starting} (a first worker alone) and more than one worker per port.
     */
    private static boolean deferrable(EndpointSettings settings) {
        return settings.config().firstWorkerAlone() && settings.config().maxServers() > 1;
    }

    /**
     * Brings a pool started with its first worker only to its {@code max_servers}: called once every pool
     * of the container answers, so that no pool's later workers compete for the processors with another
     * pool's first one (with the sample's two pools of 4 on 2 cores, six JVMs started beside the two that
     * make the application ready). Does nothing for a pool started whole.
     */
    void startTheOtherWorkers() {
        if (deferrable(settings) && engine.config().maxServers() < settings.config().maxServers()) {
            engine.resize(settings.config().maxServers());
        }
    }

    /** The endpoint's name: activation config {@code name}, else the bean's simple class name. */
    public String name() {
        return settings.endpoint();
    }

    public Class<?> beanClass() {
        return beanClass;
    }

    /** Every setting the pool runs with and where each came from. */
    public EndpointSettings settings() {
        return settings;
    }

    /** The addresses really bound, one per {@code port}: {@code host:port}, {@code [v6]:port} or {@code unix:/path}. */
    public List<String> boundAddresses() {
        return engine.boundAddresses();
    }

    /** The TCP port really bound for the first {@code port} (the kernel's choice when it was 0). */
    public int port() {
        return engine.boundPort(0);
    }

    public long supervisorPid() {
        return engine.supervisorPid();
    }

    /** Every live worker with its state, read from the scoreboard now. */
    public PoolSnapshot snapshot() throws EngineException {
        return engine.snapshot();
    }

    /** Waits until every worker ({@code max_servers} per port) has reached its accept loop; false at the timeout. */
    public boolean awaitAccepting(Duration timeout) throws InterruptedException {
        // Counted from the resolved settings: the engine may have started with its first worker only.
        return engine.awaitAccepting(settings.config().maxServers() * settings.config().ports().size(), timeout);
    }

    /** How many of the bean's runDequeue() calls run now (0 without check_for_dequeue). */
    public int runningDequeueJobs() {
        return dequeue == null ? 0 : dequeue.runningJobs();
    }

    /** True until the pool stops (or its supervisor died). */
    public boolean isRunning() {
        return engine.isRunning();
    }

    /**
     * Stops the pool as the adapter does: workers finish their connection within
     * {@code graceful_shutdown_timeout}, then everything is killed and removed (the private directory
     * too, by the engine); deliveries still running get a few seconds to return. Only the first call
     * does it, after {@code announce} (the {@link PoolStopping} event, while the pool still serves); later
     * ones wait until it is done.
     */
    synchronized void stop(Consumer<ListenerPool> announce) {
        if (stopped) {
            return;
        }
        stopped = true;
        announce.accept(this);
        if (dequeue != null) {
            dequeue.stop();
        }
        engine.stop();
        try {
            if (!delivery.awaitIdle(DELIVERY_DRAIN)) {
                LOG.warning(name() + ": some deliveries had not returned " + DELIVERY_DRAIN.toSeconds()
                        + " s after their connections were closed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name() + " on " + boundAddresses();
    }
}
