package dev.prefork.adapter;

import dev.prefork.bridge.LinkExecutor;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;

import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Logger;

/**
 * Runs each connection's delivery as Work of the container's {@link WorkManager}, so the MDB is called on
 * a container thread with the container's context: with {@code handoff descriptor} and
 * {@code max_clients 0} inside each worker link's long-running Work (see {@link #startLinkLoop}),
 * otherwise as a Work per connection.
 *
 * <p>Per connection it uses {@code scheduleWork}: the engine's single bridge thread hands over and returns at once
 * ({@code startWork} would make every connection wait for the previous one's thread). The work in flight
 * per endpoint is bounded by the pool itself: by {@code max_clients} with {@code handoff descriptor}
 * (plus one per worker back in accept), else one client per worker, so {@code max_servers} per port. When the WorkManager rejects the work (its
 * threads and queue are full), {@link #execute} throws {@link RejectedExecutionException} with the
 * reason, and the bridge refuses the client with the busy line ({@code ServedConnection.refuse}).
 */
final class WorkManagerExecutor implements LinkExecutor {
    private static final Logger LOG = Logger.getLogger(WorkManagerExecutor.class.getName());
    /** How long a worker link may wait for a WorkManager thread before the engine reads it itself. */
    private static final long LINK_START_TIMEOUT_MILLIS = 2_000;

    private final WorkManager workManager;
    private final boolean longRunningHint;
    private final String endpoint;

    WorkManagerExecutor(WorkManager workManager, boolean longRunningHint, String endpoint) {
        this.workManager = workManager;
        this.longRunningHint = longRunningHint;
        this.endpoint = endpoint;
    }

    /**
     * With {@code handoff descriptor}: one long-running Work per worker, for the worker's life, that
     * receives the worker's clients and delivers each to the MDB on that same thread. {@code startWork}
     * waits (bounded) until a thread runs it, so the engine learns at once when there is none.
     */
    @Override
    public boolean startLinkLoop(Runnable linkLoop, String name) {
        try {
            workManager.startWork(new ConnectionWork(linkLoop, longRunningHint, name), LINK_START_TIMEOUT_MILLIS, null, null);
            return true;
        } catch (WorkException e) {
            LOG.warning(endpoint + ": the WorkManager has no thread for a worker link (" + e.getMessage()
                    + "); its connections will be handed over one by one");
            return false;
        }
    }

    @Override
    public void execute(Runnable task) {
        try {
            workManager.scheduleWork(new ConnectionWork(task, longRunningHint, "prefork-" + endpoint));
        } catch (WorkException e) {
            LOG.warning(endpoint + ": the WorkManager rejected a connection (" + e.getMessage()
                    + "); answering it busy. Give the WorkManager at least max_clients threads per endpoint"
                    + " (max_servers per port with max_clients 0 or handoff relay).");
            throw new RejectedExecutionException("the server has no thread free", e);
        }
    }
}
