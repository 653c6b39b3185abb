package dev.prefork.bridge.descriptor;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One thread per pool that gives up the connections waiting in {@link ClientSlots} for longer than
 * {@code max_wait}: it sleeps until the oldest one's deadline (or for ever while none waits or the
 * limit is off), so it costs nothing per connection. What a given-up connection is told is the
 * caller's ({@code turnAway}).
 */
final class MaxWaitWatch implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MaxWaitWatch.class.getName());

    private final ClientSlots slots;
    private final Consumer<ClientSlots.Parked> turnAway;
    private final Thread thread;
    private final Object signal = new Object();
    private volatile long limitNanos;
    private boolean woken;
    private volatile boolean closed;

    MaxWaitWatch(String name, ClientSlots slots, long limitMillis, Consumer<ClientSlots.Parked> turnAway) {
        this.slots = slots;
        this.turnAway = turnAway;
        this.limitNanos = TimeUnit.MILLISECONDS.toNanos(limitMillis);
        this.thread = new Thread(this::run, "prefork-max-wait-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** A connection started waiting, or the limit changed: the next deadline may be sooner. */
    void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /** Changes {@code max_wait} (0: off); it applies to the connections waiting now too. */
    void limit(long millis) {
        limitNanos = TimeUnit.MILLISECONDS.toNanos(millis);
        wake();
    }

    long limitMillis() {
        return TimeUnit.NANOSECONDS.toMillis(limitNanos);
    }

    private void run() {
        while (!closed) {
            long sleepMillis = 0; // for ever, until woken
            try {
                long limit = limitNanos;
                if (limit > 0) {
                    long now = System.nanoTime();
                    List<ClientSlots.Parked> expired = slots.expired(now, limit);
                    expired.forEach(turnAway);
                    OptionalLong oldest = slots.oldestSince();
                    if (oldest.isPresent()) {
                        long left = oldest.getAsLong() + limit - System.nanoTime();
                        // Rounded up, so that the wake-up finds the deadline passed rather than just before it.
                        sleepMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(left) + 1);
                    }
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, thread.getName() + ": giving up waiting connections failed once; it goes on", e);
                sleepMillis = 100;
            }
            synchronized (signal) {
                try {
                    if (!woken && !closed) {
                        signal.wait(sleepMillis);
                    }
                } catch (InterruptedException e) {
                    return;
                }
                woken = false;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        wake();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
