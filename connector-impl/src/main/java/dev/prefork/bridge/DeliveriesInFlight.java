package dev.prefork.bridge;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * How many deliveries of one endpoint (calls of its bean) run now, so that stopping the endpoint can
 * wait, bounded, until the last one has returned. Shared by the resource adapter and the embedded host.
 */
public final class DeliveriesInFlight {
    private int running;

    /** A delivery starts; pair it with {@link #end()} in a {@code finally}. */
    public synchronized void begin() {
        running++;
    }

    public synchronized void end() {
        running--;
        notifyAll();
    }

    /** Waits until no delivery runs; false when some still ran at the deadline. */
    public synchronized boolean awaitNone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running > 0) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }
}
