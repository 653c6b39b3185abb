package dev.prefork.engine.management;

import dev.prefork.bridge.ClientFigures;
import dev.prefork.engine.EngineException;
import dev.prefork.engine.PoolSnapshot;
import dev.prefork.engine.PoolStatus;
import dev.prefork.engine.PreforkEngine;
import dev.prefork.engine.WorkerSnapshot;

import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@link PoolMXBean} of one running pool, and its registration in the platform MBeanServer.
 * Attributes are read from the supervisor's status (cached for {@value #CACHE_MILLIS} ms, since a
 * console reads every attribute one by one); writes and operations become supervisor commands.
 */
public final class PoolManagement implements PoolMXBean {
    private static final Logger LOG = Logger.getLogger(PoolManagement.class.getName());
    static final long CACHE_MILLIS = 500;
    public static final String DOMAIN = "dev.prefork";

    private final PreforkEngine engine;
    private PoolStatus cached;
    private long cachedAtNanos;

    private PoolManagement(PreforkEngine engine) {
        this.engine = engine;
    }

    /** {@code dev.prefork:type=Pool,name=<name>} (a pool's name is letters, digits and . _ - only). */
    public static ObjectName objectName(String poolName) {
        try {
            return new ObjectName(DOMAIN + ":type=Pool,name=" + poolName);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("not a usable pool name: " + poolName, e);
        }
    }

    /**
     * Registers the pool's MXBean; returns the name it got, or null when JMX refused (the pool runs on
     * regardless). A second pool with the same name gets {@code name=<name>-<supervisor pid>}.
     */
    public static ObjectName register(PreforkEngine engine) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        PoolManagement bean = new PoolManagement(engine);
        String name = engine.config().name();
        ObjectName objectName = objectName(name);
        try {
            try {
                server.registerMBean(bean, objectName);
            } catch (InstanceAlreadyExistsException e) {
                objectName = objectName(name + "-" + engine.supervisorPid());
                LOG.warning(name + ": another pool of that name is registered in JMX already; this one is " + objectName);
                server.registerMBean(bean, objectName);
            }
            return objectName;
        } catch (JMException | SecurityException e) {
            LOG.log(Level.WARNING, name + ": could not register the pool's MXBean " + objectName + "; it runs without JMX", e);
            return null;
        }
    }

    /** Unregisters what {@link #register} registered; nothing when it is null or already gone. */
    public static void unregister(ObjectName objectName) {
        if (objectName == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(objectName);
        } catch (JMException | SecurityException e) {
            LOG.log(Level.FINE, "could not unregister " + objectName, e);
        }
    }

    private synchronized PoolStatus status() {
        long now = System.nanoTime();
        if (cached == null || now - cachedAtNanos > CACHE_MILLIS * 1_000_000L) {
            try {
                cached = engine.status();
            } catch (EngineException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            cachedAtNanos = now;
        }
        return cached;
    }

    /** After a change, the next read asks the supervisor again (it answers commands in order). */
    private synchronized void forget() {
        cached = null;
    }

    @Override
    public String getName() {
        return engine.config().name();
    }

    @Override
    public String getStartTime() {
        return status().startedAt().toString();
    }

    @Override
    public long getUptimeSeconds() {
        PoolStatus status = status();
        return (status.number("taken") - status.number("started")) / 1000;
    }

    @Override
    public String getPhase() {
        return status().phase();
    }

    @Override
    public int getMaxServers() {
        return (int) status().number("max_servers");
    }

    @Override
    public void setMaxServers(int workersPerPort) {
        engine.resize(workersPerPort);
        forget();
    }

    @Override
    public int getMaxRequests() {
        return (int) status().number("max_requests");
    }

    @Override
    public synchronized void setMaxRequests(int maxRequests) {
        PoolStatus now = status();
        engine.setLimits(maxRequests, (int) now.number("max_requests_jitter"), (int) now.number("graceful_shutdown_timeout"));
        forget();
    }

    @Override
    public int getMaxRequestsJitter() {
        return (int) status().number("max_requests_jitter");
    }

    @Override
    public synchronized void setMaxRequestsJitter(int maxRequestsJitter) {
        PoolStatus now = status();
        engine.setLimits((int) now.number("max_requests"), maxRequestsJitter, (int) now.number("graceful_shutdown_timeout"));
        forget();
    }

    @Override
    public int getGracefulShutdownTimeout() {
        return (int) status().number("graceful_shutdown_timeout");
    }

    @Override
    public synchronized void setGracefulShutdownTimeout(int seconds) {
        PoolStatus now = status();
        engine.setLimits((int) now.number("max_requests"), (int) now.number("max_requests_jitter"), seconds);
        forget();
    }

    @Override
    public String getSerialize() {
        return status().text("serialize");
    }

    @Override
    public String getHandoff() {
        return status().text("handoff");
    }

    @Override
    public long getAcceptedConnections() {
        return status().number("accepted_connections");
    }

    @Override
    public long getListenQueue() {
        return status().number("listen_queue");
    }

    @Override
    public long getMaxListenQueue() {
        return status().number("max_listen_queue");
    }

    @Override
    public long getTargetWorkers() {
        return status().number("target_workers");
    }

    @Override
    public long getIdleWorkers() {
        return status().number("idle_workers");
    }

    @Override
    public long getBusyWorkers() {
        return status().number("busy_workers");
    }

    @Override
    public long getStartingWorkers() {
        return status().number("starting_workers");
    }

    @Override
    public long getExitingWorkers() {
        return status().number("exiting_workers");
    }

    @Override
    public long getMaxBusyWorkers() {
        return status().number("max_busy_workers");
    }

    @Override
    public long getAllWorkersBusyTimes() {
        return status().number("all_workers_busy_times");
    }

    @Override
    public long getSuccessorsAhead() {
        return status().number("successors_ahead");
    }

    @Override
    public long getSuccessorsStartedEarly() {
        return status().number("successors_started_early");
    }

    @Override
    public long getHeldWorkers() {
        return status().number("held_workers");
    }

    @Override
    public long getWorkersHeldPastMaxRequests() {
        return status().number("held_past_max_requests");
    }

    @Override
    public Map<String, Long> getReplacedWorkers() {
        return status().replacedWorkers();
    }

    @Override
    public Map<String, Long> getClients() {
        ClientFigures c = engine.clientFigures();
        Map<String, Long> clients = new LinkedHashMap<>();
        clients.put("max_clients", c.maxClients());
        clients.put("in_service", c.inService());
        clients.put("waiting_first_byte", c.waitingFirstByte());
        clients.put("waiting_slot", c.waitingSlot());
        clients.put("first_byte_timeouts", c.firstByteTimeouts());
        clients.put("busy_refusals_max_wait", c.refusedMaxWait());
        clients.put("busy_refusals_no_thread", c.refusedNoThread());
        return clients;
    }

    @Override
    public String getScoreboard() {
        return status().scoreboard();
    }

    @Override
    public WorkerInfo[] getWorkers() {
        PoolSnapshot snapshot;
        try {
            snapshot = engine.snapshot();
        } catch (EngineException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        List<WorkerSnapshot> workers = snapshot.workers();
        Instant now = snapshot.takenAt();
        WorkerInfo[] rows = new WorkerInfo[workers.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = WorkerInfo.of(workers.get(i), now);
        }
        return rows;
    }

    @Override
    public void restart() {
        engine.restart();
        forget();
    }

    @Override
    public void drain() {
        engine.drain();
        forget();
    }

    @Override
    public void resume() {
        engine.resume();
        forget();
    }

    @Override
    public void addWorkers(int n) {
        engine.addWorkers(n);
        forget();
    }

    @Override
    public void removeWorkers(int n) {
        engine.removeWorkers(n);
        forget();
    }
}
