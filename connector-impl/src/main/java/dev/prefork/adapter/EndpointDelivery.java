package dev.prefork.adapter;

import dev.prefork.api.PreforkConnection;
import dev.prefork.api.PreforkDequeue;
import dev.prefork.api.PreforkListener;
import dev.prefork.bridge.ConnectionHandler;
import dev.prefork.bridge.DeliveriesInFlight;
import dev.prefork.bridge.ServedConnection;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands one client connection to a message endpoint (an MDB instance) of one endpoint activation: a
 * call of {@code processRequest} on an endpoint of its own ({@link EndpointCall}), and what a failed or
 * refused delivery means for the client and the pool.
 *
 * <p>When no endpoint can be had ({@link UnavailableException}: the MDB is stopping, delivery is
 * paused, the container has no instance), the client is not dropped silently: it is refused
 * ({@link ServedConnection#refuse}) with the reason, as the bridge refuses one the WorkManager had no
 * thread for. Clients can retry on that line.
 */
final class EndpointDelivery implements ConnectionHandler {
    private static final Logger LOG = Logger.getLogger(EndpointDelivery.class.getName());
    static final Method PROCESS_REQUEST;
    /** The same method as {@link PreforkDequeue} declares it again. */
    private static final Method PROCESS_DEQUEUE_REQUEST;

    static {
        try {
            PROCESS_REQUEST = PreforkListener.class.getMethod("processRequest", PreforkConnection.class);
            PROCESS_DEQUEUE_REQUEST = PreforkDequeue.class.getMethod("processRequest", PreforkConnection.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String endpoint;
    private final boolean transacted;
    private final EndpointCall<PreforkListener> call;
    private final Runnable onComponentShuttingDown;
    private final DeliveriesInFlight inFlight = new DeliveriesInFlight();

    /**
     * @param onComponentShuttingDown run (once per rejection) when the container rejects a delivery because
     *                                the MDB is shutting down; see {@link ContainerSignals}
     */
    EndpointDelivery(String endpoint, MessageEndpointFactory factory, Runnable onComponentShuttingDown)
            throws ResourceException {
        this.endpoint = endpoint;
        this.onComponentShuttingDown = onComponentShuttingDown;
        // processRequest as the container knows it, for isDeliveryTransacted and beforeDelivery.
        Method processRequest = processRequestOf(EndpointNames.endpointClass(factory));
        try {
            this.transacted = factory.isDeliveryTransacted(processRequest);
        } catch (NoSuchMethodException e) {
            throw new ResourceException(endpoint + ": the MDB does not implement " + processRequest, e);
        }
        this.call = new EndpointCall<>(factory, PreforkListener.class, processRequest, transacted);
    }

    /**
     * {@code processRequest} as the MDB's listener interface declares it: an MDB that implements
     * {@link PreforkDequeue} is bound under that interface, which declares the method again, and GlassFish
     * knows only the methods the listener interface itself declares (it refused
     * {@code PreforkListener.processRequest} with "Transaction Attribute not found"). WildFly and Liberty
     * take either.
     */
    private static Method processRequestOf(Class<?> mdb) {
        return mdb != null && PreforkDequeue.class.isAssignableFrom(mdb) ? PROCESS_DEQUEUE_REQUEST : PROCESS_REQUEST;
    }

    boolean transacted() {
        return transacted;
    }

    @Override
    public void handle(ServedConnection connection) throws Exception {
        inFlight.begin();
        try {
            deliver(connection);
        } finally {
            inFlight.end();
        }
    }

    private void deliver(ServedConnection connection) throws ResourceException {
        try {
            call.make(listener -> serve(listener, connection),
                    unavailable -> {
                        LOG.warning(endpoint + ": no message endpoint available (" + unavailable.getMessage() + "); answering "
                                + connection.getPeerAddress() + " busy");
                        connection.refuse("no " + endpoint + " bean is available");
                    },
                    () -> {
                        // The container's proxy implements the interface the MDB was activated under, which is ours.
                        throw new IllegalStateException(endpoint + ": the container's message endpoint does not implement "
                                + PreforkListener.class.getName());
                    });
        } catch (NoSuchMethodException e) {
            throw new ResourceException(e);
        }
    }

    /** The bean's processRequest; its end, and a container's refusal of the call, as they concern the pool. */
    private void serve(PreforkListener listener, ServedConnection connection) {
        try {
            listener.processRequest(connection);
        } catch (IOException e) {
            // The client went away or stopped reading: ordinary for a network service.
            LOG.log(Level.FINE, endpoint + ": connection from " + connection.getPeerAddress() + " ended: " + e);
        } catch (RuntimeException e) {
            if (!ContainerSignals.componentShuttingDown(e)) {
                throw e;
            }
            // Rejected before the bean ran: the container is stopping the MDB and waits for the
            // connections in progress. Stop the pool now instead of when the last client leaves.
            LOG.warning(endpoint + ": the container is shutting the MDB down (" + e.getMessage()
                    + "); stopping this endpoint's pool now so that connections in progress end");
            connection.refuse(endpoint + " is shutting down");
            onComponentShuttingDown.run();
        }
    }

    /** Waits until no delivery of this endpoint runs; false when some still ran at the deadline. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        return inFlight.awaitNone(timeout);
    }
}
