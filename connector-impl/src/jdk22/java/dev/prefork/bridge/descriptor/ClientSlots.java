package dev.prefork.bridge.descriptor;

import java.util.ArrayDeque;

/**
 * The count of connections in service or waiting for their first bytes in this JVM, against
 * {@code max_clients}, and the worker links kept waiting for their "done" while it is reached. A worker
 * accepts its next client only after "done", so withholding it is how the limit stops accepting: the
 * excess waits in the kernel's backlog, where it costs this JVM nothing.
 *
 * <p>Workers already back in accept() may each still bring one client, so the count can pass the limit
 * by at most the number of workers; never by more.
 */
final class ClientSlots {
    private final int max;
    private final ArrayDeque<HandoffLink> withheld = new ArrayDeque<>();
    private int taken;

    ClientSlots(int max) {
        this.max = max;
    }

    /**
     * Counts a connection {@code link} just handed over; true when there is room for another, and the
     * link may free its worker now. Otherwise the link waits its turn until {@link #release} frees it.
     */
    synchronized boolean take(HandoffLink link) {
        taken++;
        if (taken < max) {
            return true;
        }
        withheld.addLast(link);
        return false;
    }

    /** A connection has ended: frees the worker that has waited longest, if any still lives. */
    void release() {
        HandoffLink next;
        synchronized (this) {
            taken--;
            next = taken < max ? withheld.pollFirst() : null;
        }
        while (next != null && !next.releaseWorker()) {
            // That worker is gone: its turn passes to the next one waiting.
            synchronized (this) {
                next = taken < max ? withheld.pollFirst() : null;
            }
        }
    }

    /** Connections in service or waiting here now. */
    synchronized int taken() {
        return taken;
    }
}
