package dev.prefork.adapter;

import jakarta.resource.spi.work.HintsContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkContext;
import jakarta.resource.spi.work.WorkContextProvider;

import java.util.List;

/**
 * A unit of the container's WorkManager: one client connection's delivery, or (with {@code handoff
 * descriptor}) a worker link's loop that delivers that worker's clients one after another, or one
 * {@code runDequeue()} call of a {@code PreforkDequeue} MDB. It is marked
 * long-running when the WorkManager understands hints: a client may stay connected for minutes, a link
 * lasts as long as its worker, and neither should hold a thread meant for short tasks (IronJacamar has a
 * separate long-running pool for such work).
 */
final class ConnectionWork implements Work, WorkContextProvider {
    private final Runnable delivery;
    private final List<WorkContext> contexts;

    ConnectionWork(Runnable delivery, boolean longRunningHint, String name) {
        this.delivery = delivery;
        if (longRunningHint) {
            HintsContext hints = new HintsContext();
            hints.setName(name);
            hints.setHint(HintsContext.LONGRUNNING_HINT, Boolean.TRUE);
            this.contexts = List.of(hints);
        } else {
            this.contexts = List.of();
        }
    }

    @Override
    public void run() {
        delivery.run();
    }

    /**
     * Nothing to interrupt here: the engine cuts the connection off when the endpoint stops, and the
     * endpoint's dequeue schedule interrupts a runDequeue() call still running after the grace period.
     */
    @Override
    public void release() {
    }

    @Override
    public List<WorkContext> getWorkContexts() {
        return contexts;
    }
}
