package dev.prefork.adapter;

import dev.prefork.api.PreforkDequeue;
import dev.prefork.dequeue.DequeueTimes;
import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.Settings;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import java.lang.reflect.Method;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One dequeue job of an MDB that implements {@link PreforkDequeue}: {@code runDequeue} on an endpoint of
 * its own ({@link EndpointCall}), as {@link EndpointDelivery} does {@code processRequest} for a connection,
 * and a log line when it fails. Run on a WorkManager thread by the endpoint's dequeue schedule.
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
    private final EndpointCall<PreforkDequeue> call;
    private final DequeueTimes times;

    private EndpointDequeue(String endpoint, EndpointCall<PreforkDequeue> call, DequeueTimes times) {
        this.endpoint = endpoint;
        this.call = call;
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
        return new EndpointDequeue(settings.endpoint(), new EndpointCall<>(factory, PreforkDequeue.class, RUN_DEQUEUE, transacted), times);
    }

    @Override
    public void run() {
        try {
            call.make(PreforkDequeue::runDequeue,
                    unavailable -> LOG.warning(endpoint + ": dequeue: no message endpoint available (" + unavailable.getMessage()
                            + "); the next check tries again"),
                    () -> LOG.severe(endpoint + ": dequeue: the container's endpoint does not implement " + PreforkDequeue.class.getName()
                            + ": the MDB is bound under another message listener interface (messageListenerInterface?);"
                            + " bind it under PreforkDequeue or remove check_for_dequeue"));
        } catch (Exception e) {
            if (ContainerSignals.componentShuttingDown(e)) {
                LOG.fine(endpoint + ": dequeue: the container is shutting the MDB down: " + e);
            } else {
                LOG.log(Level.WARNING, endpoint + ": dequeue: runDequeue() failed; the next check starts another", e);
            }
        }
    }
}
