package dev.prefork.bridge;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One thread per pool that applies the {@link ConnectionTimeouts} to the connections in service every
 * {@link ConnectionTimeouts#checkIntervalMillis()}: a scan of the handlers running now (at most one
 * per worker) instead of a timer per connection. It runs even when the pool sets no timeout, for the
 * idle timeouts handlers set on their own connections.
 */
public final class TimeoutWatch implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TimeoutWatch.class.getName());

    private final Thread thread;
    private volatile boolean closed;

    private TimeoutWatch(ActiveConnections connections, ConnectionTimeouts timeouts, String name) {
        connections.useTimeouts(timeouts);
        long interval = timeouts.checkIntervalMillis();
        thread = new Thread(() -> {
            while (!closed) {
                try {
                    Thread.sleep(interval);
                    connections.enforceTimeouts(System.nanoTime());
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, name + ": the timeout watch failed once; it goes on", e);
                }
            }
        }, "prefork-timeouts-" + name);
        thread.setDaemon(true);
    }

    /** Watches {@code connections} with {@code timeouts}. */
    public static TimeoutWatch start(ActiveConnections connections, ConnectionTimeouts timeouts, String name) {
        TimeoutWatch watch = new TimeoutWatch(connections, timeouts, name);
        watch.thread.start();
        return watch;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
