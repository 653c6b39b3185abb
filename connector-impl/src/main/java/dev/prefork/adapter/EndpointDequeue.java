package dev.prefork.adapter;

import dev.prefork.api.PreforkDequeue;
import dev.prefork.dequeue.DequeueTimes;
import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.Settings;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import java.lang.reflect.Method;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One dequeue job of an MDB that implements {@link PreforkDequeue}: {@code createEndpoint},
 * {@code beforeDelivery} when the container wants {@code runDequeue} transacted, the call,
 * {@code afterDelivery}, {@code release}, as {@link EndpointDelivery} does for a connection. Run on a
 * WorkManager thread by the endpoint's dequeue schedule.
 *
 * <p>The container's endpoint proxy implements the message listener interface the MDB was bound under:
 * an MDB that implements {@code PreforkDequeue} is bound under it (the adapter declares it as a second
 * message listener type with the same activation spec), so the proxy has {@code runDequeue}. One bound
 * under {@code PreforkListener} explicitly ({@code messageListenerInterface}) has not: each job then says so.
 */
final class EndpointDequeue implements Runnable {
    private static final Logger LOG = Logger.getLogger(EndpointDequeue.class.getName());
    static final Method RUN_DEQUEUE;

    static {
        try {
            RUN_DEQUEUE = PreforkDequeue.class.getMethod("runDequeue");
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String endpoint;
    private final MessageEndpointFactory factory;
    private final boolean transacted;
    private final DequeueTimes times;

    private EndpointDequeue(String endpoint, MessageEndpointFactory factory, boolean transacted, DequeueTimes times) {
        this.endpoint = endpoint;
        this.factory = factory;
        this.transacted = transacted;
        this.times = times;
    }

    /** check_for_dequeue and max_dequeue. */
    DequeueTimes times() {
        return times;
    }

    /**
     * The dequeue jobs an endpoint's settings ask for, or null for none.
     *
     * @throws ConfigException when check_for_dequeue is set on an MDB that does not implement PreforkDequeue,
     *                         or without max_dequeue; naming the keys, values and where they came from
     */
    static EndpointDequeue forEndpoint(EndpointSettings settings, MessageEndpointFactory factory) {
        // Null from a container that does not name the class (older than Connectors 1.7): each job finds out.
        Class<?> mdb = EndpointNames.endpointClass(factory);
        DequeueTimes times = DequeueTimes.forListener(settings.endpoint(), mdb, settings.config(), settings::origin, LOG);
        if (times == null) {
            return null;
        }
        boolean transacted;
        try {
            transacted = factory.isDeliveryTransacted(RUN_DEQUEUE);
        } catch (NoSuchMethodException e) {
            throw times.notImplementedBy(mdb == null ? "the MDB" : mdb.getName(), settings.origin(Settings.CHECK_FOR_DEQUEUE.key()));
        }
        return new EndpointDequeue(settings.endpoint(), factory, transacted, times);
    }

    @Override
    public void run() {
        MessageEndpoint instance;
        try {
            instance = factory.createEndpoint(null);
        } catch (UnavailableException e) {
            LOG.warning(endpoint + ": dequeue: no message endpoint available (" + e.getMessage() + "); the next check tries again");
            return;
        }
        try {
            if (!(instance instanceof PreforkDequeue dequeue)) {
                LOG.severe(endpoint + ": dequeue: the container's endpoint does not implement " + PreforkDequeue.class.getName()
                        + ": the MDB is bound under another message listener interface (messageListenerInterface?);"
                        + " bind it under PreforkDequeue or remove check_for_dequeue");
                return;
            }
            if (transacted) {
                instance.beforeDelivery(RUN_DEQUEUE);
            }
            try {
                dequeue.runDequeue();
            } finally {
                if (transacted) {
                    instance.afterDelivery();
                }
            }
        } catch (Exception e) {
            if (ContainerSignals.componentShuttingDown(e)) {
                LOG.fine(endpoint + ": dequeue: the container is shutting the MDB down: " + e);
            } else {
                LOG.log(Level.WARNING, endpoint + ": dequeue: runDequeue() failed; the next check starts another", e);
            }
        } finally {
            instance.release();
        }
    }
}
