package dev.prefork.bridge;


import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The connections whose handler runs now, for either bridge: runs a handler the same way for both
 * (an I/O error is the client's business, anything else is logged) and lets {@code close} wait for
 * them, then cut off the rest.
 */
public final class ActiveConnections {
    private static final Logger LOG = Logger.getLogger(ActiveConnections.class.getName());

    private final Set<ServedConnection> active = ConcurrentHashMap.newKeySet();
    private final Object drained = new Object();

    /** Runs {@code handler} on {@code connection} and finishes it; {@code closing} skips the handler. */
    public void serve(ConnectionHandler handler, ServedConnection connection, boolean closing) {
        active.add(connection);
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
        LOG.warning("refusing " + connection + ": " + reason);
        try {
            connection.refuse(reason);
        } finally {
            connection.finish();
        }
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
        for (ServedConnection connection : active) {
            LOG.warning("cutting off " + connection + ": its handler did not return within the grace period");
            connection.abort();
        }
    }
}
