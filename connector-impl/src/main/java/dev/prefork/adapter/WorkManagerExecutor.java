package dev.prefork.adapter;

import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;

import java.util.concurrent.Executor;
import java.util.logging.Logger;

/**
 * Runs each connection's delivery as Work of the container's {@link WorkManager}, so the MDB is called on
 * a container thread with the container's context.
 *
 * <p>It uses {@code scheduleWork}: the engine's single bridge thread hands over and returns at once
 * ({@code startWork} would make every connection wait for the previous one's thread). The work in flight
 * per endpoint is bounded by the pool itself: a worker process relays one client at a time, so there are
 * never more than {@code max_servers} deliveries per port. When the WorkManager rejects the work (its
 * threads and queue are full), the delivery runs on the calling thread in <em>busy</em> mode, which
 * only writes the busy line to the client and closes it (see {@link EndpointDelivery}).
 */
final class WorkManagerExecutor implements Executor {
    private static final Logger LOG = Logger.getLogger(WorkManagerExecutor.class.getName());

    private final WorkManager workManager;
    private final boolean longRunningHint;
    private final String endpoint;
    private final EndpointDelivery delivery;

    WorkManagerExecutor(WorkManager workManager, boolean longRunningHint, String endpoint, EndpointDelivery delivery) {
        this.workManager = workManager;
        this.longRunningHint = longRunningHint;
        this.endpoint = endpoint;
        this.delivery = delivery;
    }

    @Override
    public void execute(Runnable task) {
        try {
            workManager.scheduleWork(new ConnectionWork(task, longRunningHint, "prefork-" + endpoint));
        } catch (WorkException e) {
            LOG.warning(endpoint + ": the WorkManager rejected a connection (" + e.getMessage()
                    + "); answering it busy. Give the WorkManager at least max_servers threads per endpoint.");
            delivery.runBusy(task, "the server has no thread free");
        }
    }
}
