package dev.prefork.adapter;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import java.lang.reflect.Method;
import java.util.function.Consumer;

/**
 * One call of a listener method on a message endpoint of its own, in the order the Connectors spec gives:
 * {@code createEndpoint}, {@code beforeDelivery} when the container wants the method transacted, the call,
 * {@code afterDelivery}, {@code release}. Shared by a connection's delivery ({@link EndpointDelivery}) and a
 * dequeue job ({@link EndpointDequeue}); what each does when the call fails, and when there is no endpoint
 * to call, stays theirs.
 *
 * @param <L> the message listener interface the call is made through
 */
final class EndpointCall<L> {
    /** What the call does with the endpoint, through its listener interface. */
    @FunctionalInterface
    interface Body<L, X extends Exception> {
        void call(L listener) throws X;
    }

    private final MessageEndpointFactory factory;
    private final Class<L> listener;
    /** The listener method as the container knows it, for {@code beforeDelivery}. */
    private final Method method;
    private final boolean transacted;

    EndpointCall(MessageEndpointFactory factory, Class<L> listener, Method method, boolean transacted) {
        this.factory = factory;
        this.listener = listener;
        this.method = method;
        this.transacted = transacted;
    }

    /**
     * Makes the call on a new endpoint. Once created, the endpoint is released whatever happens after.
     * {@code afterDelivery} follows the body also when the body threw (the container ends its transaction
     * either way), but not when {@code beforeDelivery} threw: no delivery began.
     *
     * @param unavailable told, and nothing else is called, when the container has no endpoint
     *                    ({@code createEndpoint} threw: the MDB is stopping, delivery is paused, no instance)
     * @param notListener run when the container's endpoint does not implement {@code L} (the MDB is bound under
     *                    another listener interface); the endpoint is released, nothing else is called on it
     * @throws X                     what the body threw
     * @throws ResourceException     what {@code beforeDelivery} or {@code afterDelivery} threw; afterDelivery's
     *                               takes the place of the body's, as in any finally block
     * @throws NoSuchMethodException from {@code beforeDelivery}: the container does not know the method
     */
    <X extends Exception> void make(Body<? super L, X> body, Consumer<UnavailableException> unavailable, Runnable notListener)
            throws X, ResourceException, NoSuchMethodException {
        MessageEndpoint endpoint;
        try {
            endpoint = factory.createEndpoint(null);
        } catch (UnavailableException e) {
            unavailable.accept(e);
            return;
        }
        try {
            if (!listener.isInstance(endpoint)) {
                notListener.run();
                return;
            }
            if (transacted) {
                endpoint.beforeDelivery(method);
            }
            try {
                body.call(listener.cast(endpoint));
            } finally {
                if (transacted) {
                    endpoint.afterDelivery();
                }
            }
        } finally {
            endpoint.release();
        }
    }
}
