package dev.prefork.adapter;

import dev.prefork.api.PreforkConnection;
import dev.prefork.api.PreforkListener;
import dev.prefork.engine.ConnectionHandler;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands one client connection to a message endpoint (an MDB instance) of one endpoint activation:
 * {@code createEndpoint}, {@code beforeDelivery} when the container wants transacted delivery, the
 * call to {@code processRequest}, {@code afterDelivery}, {@code release}.
 *
 * <p>When no endpoint can be had ({@link UnavailableException}: the MDB is stopping, delivery is
 * paused, the container has no instance), or the WorkManager had no thread for it, the client is
 * not dropped silently: it reads one line, {@value #BUSY_PREFIX} followed by the reason, and the
 * connection closes. Clients can retry on that line.
 */
final class EndpointDelivery implements ConnectionHandler {
    static final String BUSY_PREFIX = "busy: ";
    private static final Logger LOG = Logger.getLogger(EndpointDelivery.class.getName());
    static final Method PROCESS_REQUEST;

    static {
        try {
            PROCESS_REQUEST = PreforkListener.class.getMethod("processRequest", PreforkConnection.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Set on a thread that runs a delivery the WorkManager rejected: the reason the client is busy. */
    private static final ThreadLocal<String> BUSY = new ThreadLocal<>();

    private final String endpoint;
    private final MessageEndpointFactory factory;
    private final boolean transacted;
    private final Object lock = new Object();
    private int inFlight;

    EndpointDelivery(String endpoint, MessageEndpointFactory factory) throws ResourceException {
        this.endpoint = endpoint;
        this.factory = factory;
        try {
            this.transacted = factory.isDeliveryTransacted(PROCESS_REQUEST);
        } catch (NoSuchMethodException e) {
            throw new ResourceException(endpoint + ": the MDB does not implement " + PROCESS_REQUEST, e);
        }
    }

    boolean transacted() {
        return transacted;
    }

    @Override
    public void handle(PreforkConnection connection) throws Exception {
        synchronized (lock) {
            inFlight++;
        }
        try {
            String busy = BUSY.get();
            if (busy != null) {
                replyBusy(connection, busy);
                return;
            }
            deliver(connection);
        } finally {
            synchronized (lock) {
                inFlight--;
                lock.notifyAll();
            }
        }
    }

    private void deliver(PreforkConnection connection) throws ResourceException {
        MessageEndpoint endpointInstance;
        try {
            endpointInstance = factory.createEndpoint(null);
        } catch (UnavailableException e) {
            LOG.warning(endpoint + ": no message endpoint available (" + e.getMessage() + "); answering "
                    + connection.getPeerAddress() + " busy");
            replyBusy(connection, "no " + endpoint + " bean is available");
            return;
        }
        try {
            if (transacted) {
                endpointInstance.beforeDelivery(PROCESS_REQUEST);
            }
            try {
                ((PreforkListener) endpointInstance).processRequest(connection);
            } catch (IOException e) {
                // The client went away or stopped reading: ordinary for a network service.
                LOG.log(Level.FINE, endpoint + ": connection from " + connection.getPeerAddress() + " ended: " + e);
            } finally {
                if (transacted) {
                    endpointInstance.afterDelivery();
                }
            }
        } catch (NoSuchMethodException e) {
            throw new ResourceException(e);
        } finally {
            endpointInstance.release();
        }
    }

    /** Runs a delivery task on the calling thread in busy mode: the client only gets the busy line. */
    void runBusy(Runnable task, String reason) {
        BUSY.set(reason);
        try {
            task.run();
        } finally {
            BUSY.remove();
        }
    }

    private static void replyBusy(PreforkConnection connection, String reason) {
        try {
            OutputStream out = connection.getOutputStream();
            out.write((BUSY_PREFIX + reason + ", try again later\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            // The client is gone already.
        }
    }

    /** Waits until no delivery of this endpoint runs; false when some still ran at the deadline. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (inFlight > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                lock.wait(left);
            }
            return true;
        }
    }
}
