package dev.prefork.embedded;

import dev.prefork.api.PreforkListener;
import dev.prefork.bridge.ConnectionHandler;
import dev.prefork.bridge.DeliveriesInFlight;
import dev.prefork.bridge.ServedConnection;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.context.control.RequestContextController;
import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;

import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands each connection of one pool to its listener bean through CDI, as a container hands an MDB
 * instance a message: a {@code @Dependent} bean (what an {@code @MessageDriven} class is here) gets a
 * new contextual instance per connection, created with its injections, interceptors and
 * {@code @PostConstruct} and destroyed after the call ({@code @PreDestroy}); a normal-scoped bean is
 * called through its client proxy and its context keeps it. A request context is active for the call.
 *
 * <p>A bean that throws costs only its connection: the failure is logged with the bean's name and the
 * client's address, and the connection closes; the worker goes back to accepting.
 */
final class BeanDelivery<T> implements ConnectionHandler {
    private static final Logger LOG = Logger.getLogger(BeanDelivery.class.getName());

    private final String endpoint;
    private final Bean<T> bean;
    private final BeanManager beanManager;
    private final Instance<RequestContextController> requestContexts;
    private final DeliveriesInFlight inFlight = new DeliveriesInFlight();

    BeanDelivery(String endpoint, Bean<T> bean, BeanManager beanManager) {
        this.endpoint = endpoint;
        this.bean = bean;
        this.beanManager = beanManager;
        this.requestContexts = beanManager.createInstance().select(RequestContextController.class);
    }

    @Override
    public void handle(ServedConnection connection) throws Exception {
        inFlight.begin();
        RequestContextController requestContext = requestContexts.get();
        boolean activated = requestContext.activate();
        try {
            deliver(connection);
        } finally {
            if (activated) {
                requestContext.deactivate();
            }
            requestContexts.destroy(requestContext);
            inFlight.end();
        }
    }

    private void deliver(ServedConnection connection) throws Exception {
        CreationalContext<T> creationalContext = beanManager.createCreationalContext(bean);
        boolean dependent = bean.getScope() == Dependent.class;
        // A dependent instance is ours to destroy; a normal-scoped reference is a proxy its context owns.
        Object instance = dependent ? bean.create(creationalContext)
                : beanManager.getReference(bean, PreforkListener.class, creationalContext);
        try {
            ((PreforkListener) instance).processRequest(connection);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, endpoint + ": " + bean.getBeanClass().getName() + " failed serving "
                    + connection.getPeerAddress() + "; that connection is closed, the pool serves on", e);
        } finally {
            if (dependent) {
                @SuppressWarnings("unchecked")
                T created = (T) instance;
                bean.destroy(created, creationalContext);
            } else {
                creationalContext.release();
            }
        }
    }

    /** Waits until no delivery runs; false when some still ran at the deadline. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        return inFlight.awaitNone(timeout);
    }
}
