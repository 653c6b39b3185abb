package dev.prefork.bridge;


import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The connections whose handler runs now, for either bridge: runs a handler the same way for both
 * (an I/O error is the client's business, anything else is logged) and lets {@code close} wait for
 * them, then cut off the rest.
 */
public final class ActiveConnections {
    private static final Logger LOG = Logger.getLogger(ActiveConnections.class.getName());

    /** Every connection whose handler runs now, with the thread running it and since when. */
    private final Map<ServedConnection, Service> active = new ConcurrentHashMap<>();
    private final Object drained = new Object();
    private volatile ConnectionTimeouts timeouts = ConnectionTimeouts.NONE;
    private volatile BusyMessage busyMessage = BusyMessage.DEFAULT;
    /** Connections turned away with the busy line because no thread took them, since the start. */
    private final AtomicLong refused = new AtomicLong();

    /** Who serves a connection and since when; {@code slowLogged} keeps the slow log to one line each. */
    private static final class Service {
        final Thread thread;
        final long startedNanos;
        boolean slowLogged;
        boolean cutOff;

        Service(Thread thread, long startedNanos) {
            this.thread = thread;
            this.startedNanos = startedNanos;
        }
    }

    /** The limits for connections served from now on (and for the checks of those in service). */
    public void useTimeouts(ConnectionTimeouts timeouts) {
        this.timeouts = timeouts;
    }

    /** The line turned-away clients read from now on ({@code busy_message}). */
    public void useBusyMessage(BusyMessage message) {
        this.busyMessage = message;
    }

    /** The line turned-away clients read now. */
    public BusyMessage busyMessage() {
        return busyMessage;
    }

    /** Runs {@code handler} on {@code connection} and finishes it; {@code closing} skips the handler. */
    public void serve(ConnectionHandler handler, ServedConnection connection, boolean closing) {
        // The handler may turn the client away too (no bean instance free, the endpoint stopping).
        connection.useBusyMessage(busyMessage);
        long idle = timeouts.idleNanos();
        if (idle > 0) {
            connection.setIdleTimeout(Duration.ofNanos(idle));
        }
        active.put(connection, new Service(Thread.currentThread(), System.nanoTime()));
        try {
            if (closing) {
                return;
            }
            handler.handle(connection);
        } catch (IOException e) {
            // The client reset or went away mid-answer: its own business, not an error of ours.
            LOG.log(Level.FINE, "connection ended by an I/O error: " + connection, e);
        } catch (Exception | LinkageError e) {
            LOG.log(Level.WARNING, "handler failed on " + connection + "; closing it", e);
        } finally {
            connection.finish();
            active.remove(connection);
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /**
     * Turns {@code connection} away without running a handler (no thread could be had for it) and
     * finishes it; see {@link ServedConnection#refuse}.
     */
    public void refuse(ServedConnection connection, String reason) {
        refused.incrementAndGet();
        LOG.warning("refusing " + connection + ": " + reason);
        try {
            connection.useBusyMessage(busyMessage);
            connection.refuse(reason);
        } finally {
            connection.finish();
        }
    }

    /**
     * Applies the timeouts to every connection in service at {@code now} ({@code System.nanoTime()}):
     * a read that waited past the connection's idle timeout fails and the connection is cut off; a
     * handler past {@code slow_threshold} is logged once with its thread's stack; one past
     * {@code request_timeout} is logged with its stack, its connection cut off and its thread
     * interrupted (a handler blocked elsewhere than on the connection may ignore that: it is all a
     * container's thread allows). Called by one watch thread per pool.
     */
    public void enforceTimeouts(long now) {
        ConnectionTimeouts limits = timeouts;
        for (Map.Entry<ServedConnection, Service> entry : active.entrySet()) {
            ServedConnection connection = entry.getKey();
            Service service = entry.getValue();
            if (service.cutOff) {
                continue;
            }
            long running = now - service.startedNanos;
            if (connection.readTimedOut(now)) {
                service.cutOff = true;
                LOG.info("closing " + connection + ": no bytes from the client for "
                        + connection.getIdleTimeout().toMillis() + " ms (idle_timeout)");
                connection.abort();
            } else if (limits.requestNanos() > 0 && running >= limits.requestNanos()) {
                service.cutOff = true;
                LOG.warning("cutting off " + connection + ": its handler has run for "
                        + TimeUnit.NANOSECONDS.toMillis(running) + " ms (request_timeout); it was at"
                        + stackOf(service.thread));
                connection.abort();
                service.thread.interrupt();
            } else if (limits.slowNanos() > 0 && running >= limits.slowNanos() && !service.slowLogged) {
                service.slowLogged = true;
                LOG.warning("slow: the handler of " + connection + " has run for "
                        + TimeUnit.NANOSECONDS.toMillis(running) + " ms (slow_threshold); it is at"
                        + stackOf(service.thread));
            }
        }
    }

    private static String stackOf(Thread thread) {
        StringBuilder out = new StringBuilder();
        for (StackTraceElement frame : thread.getStackTrace()) {
            out.append("\n\tat ").append(frame);
        }
        return out.length() == 0 ? " (no stack: the thread has moved on)" : out.toString();
    }

    /** Connections turned away by {@link #refuse} since the start. */
    public long refused() {
        return refused.get();
    }

    public int size() {
        return active.size();
    }

    /** Waits up to {@code graceMillis} for every handler to return, then aborts the connections still open. */
    public void drain(long graceMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        synchronized (drained) {
            while (!active.isEmpty()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                try {
                    drained.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        for (ServedConnection connection : active.keySet()) {
            LOG.warning("cutting off " + connection + ": its handler did not return within the grace period");
            connection.abort();
        }
    }
}
