package dev.prefork.engine.management;

import java.util.Map;

/**
 * A running pool in JMX, {@code dev.prefork:type=Pool,name=<name>}: the figures of the status port as
 * attributes, four writable settings applied to the running pool, and operations to resize, restart,
 * drain and resume it. Every figure is read from the supervisor (at most twice a second).
 */
public interface PoolMXBean {
    String getName();

    /** When the supervisor started (ISO-8601). */
    String getStartTime();

    long getUptimeSeconds();

    /** serving, draining or stopping. */
    String getPhase();

    /** Workers per port; setting it resizes the running pool (surplus workers leave after their connection). */
    int getMaxServers();

    void setMaxServers(int workersPerPort);

    /** Connections a worker serves before it is replaced (0: unlimited); a new value applies to new workers. */
    int getMaxRequests();

    void setMaxRequests(int maxRequests);

    int getMaxRequestsJitter();

    void setMaxRequestsJitter(int maxRequestsJitter);

    /** Seconds a leaving worker may finish its connection; a new value applies to new workers and to stopping. */
    int getGracefulShutdownTimeout();

    void setGracefulShutdownTimeout(int seconds);

    String getSerialize();

    String getHandoff();

    long getAcceptedConnections();

    /** Connections waiting in the accept queues now (Linux TCP_INFO). */
    long getListenQueue();

    long getMaxListenQueue();

    long getTargetWorkers();

    long getIdleWorkers();

    long getBusyWorkers();

    long getStartingWorkers();

    long getExitingWorkers();

    long getMaxBusyWorkers();

    /** Times every worker was seen busy ("max children reached"). */
    long getAllWorkersBusyTimes();

    /** Workers serving on whose successor was started before their last connection (recycling ahead of max_requests). */
    long getSuccessorsAhead();

    /** Successors started before their worker's last connection, since the pool started. */
    long getSuccessorsStartedEarly();

    /** Workers that serve on past max_requests until their successor accepts. */
    long getHeldWorkers();

    /** Workers that reached max_requests before their successor accepted, and served on: recycling outpaced start-up. */
    long getWorkersHeldPastMaxRequests();

    /** Workers that left, by reason: max_requests, restart, removed, stop, crash, killed, timeout. */
    Map<String, Long> getReplacedWorkers();

    /**
     * The clients in this JVM (with max_clients the workers hand theirs over at once and look idle):
     * max_clients, in_service, waiting_first_byte, waiting_slot, and since the start first_byte_timeouts,
     * busy_refusals_max_wait, busy_refusals_no_thread.
     */
    Map<String, Long> getClients();

    /** mod_status's scoreboard line: _ waiting, A accepting, P processing, S starting, X exiting, B backing off, . empty. */
    String getScoreboard();

    /** Every live worker. */
    WorkerInfo[] getWorkers();

    /** Replaces every worker, new ones first, refusing no connection. */
    void restart();

    /**
     * Stops accepting (workers leave after their connection; the ports stay bound and clients queue).
     * With drain_timeout, balancers are told to drain first and the pool keeps serving that long.
     */
    void drain();

    /** Accepts again after drain. */
    void resume();

    void addWorkers(int n);

    void removeWorkers(int n);
}
