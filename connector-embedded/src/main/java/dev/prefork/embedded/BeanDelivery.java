package dev.prefork.embedded;

import dev.prefork.api.PreforkListener;
import dev.prefork.bridge.ConnectionHandler;
import dev.prefork.bridge.DeliveriesInFlight;
import dev.prefork.bridge.ServedConnection;

import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands each connection of one pool to its listener bean through CDI, as a container hands an MDB
 * instance a message: an instance per connection for a {@code @Dependent} bean, with a request context
 * active (see {@link ContextualInstances}).
 *
 * <p>A bean that throws costs only its connection: the failure is logged with the bean's name and the
 * client's address, and the connection closes; the worker goes back to accepting.
 */
final class BeanDelivery<T> implements ConnectionHandler {
    private static final Logger LOG = Logger.getLogger(BeanDelivery.class.getName());

    private final String endpoint;
    private final ContextualInstances<T> instances;
    private final DeliveriesInFlight inFlight = new DeliveriesInFlight();

    BeanDelivery(String endpoint, ContextualInstances<T> instances) {
        this.endpoint = endpoint;
        this.instances = instances;
    }

    @Override
    public void handle(ServedConnection connection) throws Exception {
        inFlight.begin();
        try {
            instances.call(PreforkListener.class, listener -> listener.processRequest(connection));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, endpoint + ": " + instances.bean().getBeanClass().getName() + " failed serving "
                    + connection.getPeerAddress() + "; that connection is closed, the pool serves on", e);
        } finally {
            inFlight.end();
        }
    }

    /** Waits until no delivery runs; false when some still ran at the deadline. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        return inFlight.awaitNone(timeout);
    }
}
