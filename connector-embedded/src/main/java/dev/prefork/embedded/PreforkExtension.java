package dev.prefork.embedded;

import dev.prefork.adapter.ConfigLookup;
import dev.prefork.adapter.EndpointSettings;
import dev.prefork.api.PreforkListener;
import dev.prefork.dequeue.DequeueTimes;
import dev.prefork.engine.config.ConfigException;
import jakarta.ejb.MessageDriven;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeShutdown;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessManagedBean;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The CDI portable extension that hosts listener beans in a CDI SE container (Weld SE): every managed
 * bean that implements {@link PreforkListener} and carries {@code @MessageDriven} gets a pool of its own.
 *
 * <p><b>Why {@code @MessageDriven}.</b> The settings are the MDB's activation config, read from the same
 * annotation an application server reads, so that one class is both an MDB on a server and an SE bean
 * here, unchanged (the sample's calculator and echo beans are). A second annotation in
 * {@code connector-api} would make every author write the settings twice. The EJB API jar is on this
 * host's class path for that one annotation; nothing else of EJB applies here ({@code @TransactionAttribute},
 * {@code @Resource} env-entries and {@code ejb-jar.xml} are not read).
 *
 * <p><b>Discovery.</b> {@code @MessageDriven} is not a CDI bean-defining annotation, so a class carrying
 * only it is no bean in an annotated-mode archive, and an EJB jar has no {@code beans.xml} at all.
 * {@link Main} finds the listener classes itself and adds their packages in annotated mode with
 * {@code @MessageDriven} registered as bean-defining ({@code Weld.addBeanDefiningAnnotations}), so they
 * become {@code @Dependent} beans unchanged. An application booting its own container does the same, or
 * uses {@code bean-discovery-mode="all"}, or gives the class a scope; the test kit names its classes.
 *
 * <p><b>Lifecycle.</b> After the container validated the deployment, each bean's settings are resolved
 * exactly as the resource adapter resolves an MDB's ({@code prefork.<name>.<key>} in the application's
 * MicroProfile Config, then the activation config, then {@code prefork.<key>}, then the engine's default)
 * and logged with their sources; a bad value fails the container's start with a {@link DeploymentException}
 * naming the key, the value and its source, and nothing is started. Then every pool starts, at once
 * (each is up when its ports are bound and a first worker accepts; with several pools each starts its
 * first worker alone and the others once all pools answer, so the application is ready after one
 * worker start per pool rather than beside all of them); if one cannot, those started are
 * stopped and the container's start fails. {@link PoolStarted} is fired for each. A bean that implements
 * {@link dev.prefork.api.PreforkDequeue} gets its {@code runDequeue()} called every {@code check_for_dequeue}
 * seconds ({@link BeanDequeue}); {@code check_for_dequeue} on one that does not fails the start as a bad value does.
 * When the application context is about to end (container shutdown, {@code SeContainer.close()},
 * Ctrl-C or SIGTERM through Weld's shutdown hook) {@link PoolStopping} is fired and every pool stops with
 * the adapter's grace; nothing is left: no process, port, socket file or lock. Should the JVM exit while
 * the container is still starting or was never closed (a Ctrl-C before {@code initialize()} returned, no
 * shutdown hook of Weld's), a JVM shutdown hook of the extension's own ({@link StopAtExit}) waits for the
 * start and stops the pools before the JVM ends. Whichever of these reaches a pool first fires its
 * {@link PoolStopping} (on the thread that stops that pool, while it still serves) and stops it; the
 * other waits for that stop.
 *
 * <p><b>Who removes what.</b> Each pool's engine ({@code PreforkEngine} in this JVM) made the pool's private
 * directory and removes it when it stops; its supervisor removes the files it made in it, and the directory
 * only when this JVM went away without stopping it. So this JVM must not end before its pools are stopped,
 * and every stop path (container close, Weld's shutdown hook, {@link StopAtExit}) ends in {@code stopAll}.
 *
 * <p>The engine reports no per-worker events to this JVM (its supervisor keeps the workers), so there are
 * no worker started/exited events; {@link ListenerPool#snapshot()} shows the workers at any moment.
 */
public class PreforkExtension implements Extension {
    private static final Logger LOG = Logger.getLogger(PreforkExtension.class.getName());
    /** Bounds one pool's start (the engine bounds its own at 60 s) and stop (grace period + 10 s). */
    private static final long START_STOP_LIMIT_SECONDS = 120;

    private final Map<String, String> overrides;
    private final String overridesSource;
    private final List<Bean<?>> listeners = new ArrayList<>();
    private final List<ListenerPool> pools = new ArrayList<>();
    /** Stops the pools when the JVM exits before the container stopped them (a signal during the start). */
    private final StopAtExit stopAtExit = new StopAtExit(this::stopAll, START_STOP_LIMIT_SECONDS);
    /** Where {@link PoolStopping} is fired; set when the pools start. */
    private volatile BeanManager beanManager;

    /** The extension as {@code META-INF/services} registers it. */
    public PreforkExtension() {
        this(Map.of(), "");
    }

    private PreforkExtension(Map<String, String> overrides, String overridesSource) {
        this.overrides = Map.copyOf(overrides);
        this.overridesSource = overridesSource;
    }

    /**
     * An instance for a container booted programmatically (a test kit): {@code overrides} are MicroProfile
     * Config keys ({@code prefork.echo.port}) with values that win over every config source, shown in the
     * effective-settings log as coming from {@code sourceName}.
     */
    public static PreforkExtension withOverrides(Map<String, String> overrides, String sourceName) {
        return new PreforkExtension(overrides, sourceName);
    }

    /**
     * The name a listener bean's pool gets, which names its MicroProfile Config keys
     * ({@code prefork.<name>.<key>}): activation config {@code name}, else the class's simple name.
     */
    public static String endpointName(Class<?> beanClass) {
        return ListenerSettings.endpointName(beanClass);
    }

    void found(@Observes ProcessManagedBean<?> event) {
        Bean<?> bean = event.getBean();
        if (!PreforkListener.class.isAssignableFrom(bean.getBeanClass())) {
            return;
        }
        if (event.getAnnotatedBeanClass().isAnnotationPresent(MessageDriven.class)) {
            listeners.add(bean);
        } else {
            LOG.fine(bean.getBeanClass().getName() + " implements PreforkListener but has no @MessageDriven: not served");
        }
    }

    void start(@Observes AfterDeploymentValidation event, BeanManager beanManager) {
        this.beanManager = beanManager;
        ConfigLookup mpConfig = new MicroProfileConfigLookup(ConfigProvider.getConfig(), overrides, overridesSource);
        List<BeanDelivery<?>> deliveries = new ArrayList<>();
        List<ContextualInstances<?>> instances = new ArrayList<>();
        List<DequeueTimes> dequeues = new ArrayList<>();
        List<EndpointSettings> resolved = new ArrayList<>();
        boolean bad = false;
        for (Bean<?> bean : listeners) {
            try {
                EndpointSettings settings = ListenerSettings.resolve(bean.getBeanClass(), mpConfig);
                LOG.info(settings.describe());
                dequeues.add(BeanDequeue.times(settings, bean.getBeanClass()));
                resolved.add(settings);
                ContextualInstances<?> beanInstances = new ContextualInstances<>(bean, beanManager);
                instances.add(beanInstances);
                deliveries.add(new BeanDelivery<>(settings.endpoint(), beanInstances));
            } catch (ConfigException e) {
                event.addDeploymentProblem(new DeploymentException(bean.getBeanClass().getName() + ": " + e.getMessage(), e));
                bad = true;
            }
        }
        if (bad || resolved.isEmpty()) {
            return;
        }
        try {
            stopAtExit.install();
        } catch (IllegalStateException e) {
            event.addDeploymentProblem(new DeploymentException("the JVM is exiting; no listener pool was started", e));
            return;
        }
        try {
            startAll(resolved, deliveries, instances, dequeues);
        } catch (DeploymentException e) {
            event.addDeploymentProblem(e);
            return;
        } finally {
            stopAtExit.startOver();
        }
        for (ListenerPool pool : pools()) {
            beanManager.getEvent().select(PoolStarted.class).fire(new PoolStarted(pool));
        }
    }

    /** Starts every pool at once (each start waits for JVMs to come up); all or none. */
    private void startAll(List<EndpointSettings> resolved, List<BeanDelivery<?>> deliveries,
                          List<ContextualInstances<?>> instances, List<DequeueTimes> dequeues) {
        ExecutorService starters = Executors.newFixedThreadPool(Math.max(1, resolved.size()), task -> {
            Thread thread = new Thread(task, "prefork-embedded-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<ListenerPool>> starting = new ArrayList<>();
            for (int i = 0; i < resolved.size(); i++) {
                EndpointSettings settings = resolved.get(i);
                BeanDelivery<?> delivery = deliveries.get(i);
                ContextualInstances<?> beanInstances = instances.get(i);
                DequeueTimes dequeue = dequeues.get(i);
                Class<?> beanClass = listeners.get(i).getBeanClass();
                // Several pools: each starts its first worker only, the rest once all answer (startTheOtherWorkers).
                boolean firstWorkerOnly = resolved.size() > 1;
                starting.add(starters.submit(() -> ListenerPool.start(beanClass, settings, delivery, beanInstances,
                        dequeue, firstWorkerOnly)));
            }
            DeploymentException failure = null;
            for (int i = 0; i < starting.size(); i++) {
                try {
                    ListenerPool pool = starting.get(i).get(START_STOP_LIMIT_SECONDS, TimeUnit.SECONDS);
                    synchronized (pools) {
                        pools.add(pool);
                    }
                } catch (ExecutionException e) {
                    failure = startFailure(failure, resolved.get(i), e.getCause());
                } catch (java.util.concurrent.TimeoutException e) {
                    starting.get(i).cancel(true);
                    failure = startFailure(failure, resolved.get(i), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = startFailure(failure, resolved.get(i), e);
                }
            }
            if (failure != null) {
                stopAll(pool -> { }); // no PoolStopping: no PoolStarted was fired either
                throw failure;
            }
            for (ListenerPool pool : pools()) {
                pool.startTheOtherWorkers();
            }
        } finally {
            starters.shutdownNow();
        }
    }

    private static DeploymentException startFailure(DeploymentException earlier, EndpointSettings settings, Throwable cause) {
        DeploymentException failure = new DeploymentException(settings.endpoint() + ": could not start: " + cause.getMessage(), cause);
        if (earlier != null) {
            earlier.addSuppressed(failure);
            return earlier;
        }
        return failure;
    }

    /** The application context is about to end: its beans still work while the pools drain. */
    void stopBeforeContextEnds(@Observes @BeforeDestroyed(ApplicationScoped.class) Object event) {
        stopAll();
    }

    /** A backstop: a container that shuts down without destroying the application context. */
    void stopAtShutdown(@Observes BeforeShutdown event) {
        stopAll();
    }

    /**
     * Fires {@link PoolStopping} for a pool about to stop, on the thread that stops it; whichever stop path
     * reaches a pool first (container close, {@link StopAtExit}) does it, once, while the pool still serves.
     */
    private void announceStopping(ListenerPool pool) {
        BeanManager events = beanManager;
        if (events == null) {
            return;
        }
        try {
            events.getEvent().select(PoolStopping.class).fire(new PoolStopping(pool));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, pool.name() + ": an observer of PoolStopping failed; stopping anyway", e);
        }
    }

    /**
     * Stops every pool, all at once, each within its own bounded grace period, and returns when they are
     * stopped: also when another thread (the container's close and the JVM-exit hook at once) is stopping
     * them, for a pool's stop waits for one in progress. A stopped pool's processes have ended and its
     * private directory is removed (the engine that made it removes it).
     */
    private void stopAll() {
        stopAll(this::announceStopping);
    }

    /** {@link #stopAll()}, with {@code announce} run for each pool just before it stops (by whoever stops it first). */
    private void stopAll(Consumer<ListenerPool> announce) {
        List<ListenerPool> started = pools();
        List<Thread> stopping = new ArrayList<>();
        for (ListenerPool pool : started) {
            Thread thread = new Thread(() -> pool.stop(announce), "prefork-stop-" + pool.name());
            thread.start();
            stopping.add(thread);
        }
        for (Thread thread : stopping) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(START_STOP_LIMIT_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warning("interrupted while stopping the listener pools");
                return;
            }
        }
        synchronized (pools) {
            pools.removeAll(started);
        }
        stopAtExit.remove();
    }

    /** The running pools, in the order the beans were found. */
    public List<ListenerPool> pools() {
        synchronized (pools) {
            return List.copyOf(pools);
        }
    }

    /** The running pool of a bean class. */
    public Optional<ListenerPool> pool(Class<?> beanClass) {
        return pools().stream().filter(pool -> pool.beanClass() == beanClass).findFirst();
    }
}
