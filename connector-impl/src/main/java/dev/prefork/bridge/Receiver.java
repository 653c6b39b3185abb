package dev.prefork.bridge;

import dev.prefork.engine.config.DescriptorTransfer;

import java.nio.file.Path;

/**
 * The controlling JVM's end of the connections the workers hand over: a Unix-domain socket in the
 * engine's private directory, and the handlers running for the connections that came through it.
 * {@link RelayReceiver} takes relayed connections; the descriptor bridge (JDK 22+, in the process jar)
 * takes the accepted sockets themselves.
 */
public interface Receiver {
    /** The Unix-domain socket the workers connect to. */
    Path socketPath();

    /** Connections whose handler is running now. */
    int activeConnections();

    /** The connections in service, for the timeout watch. */
    ActiveConnections connections();

    /** Its clients now: in service, waiting, and how many were closed or refused unserved. */
    default ClientFigures clientFigures() {
        return new ClientFigures(0, activeConnections(), 0, 0, 0, 0, connections().refused());
    }

    /**
     * Applies {@code limits} to the clients handed over from now on (and to those waiting, where a
     * limit is a wait); false when this bridge takes no such limits ({@code handoff relay}).
     */
    default boolean retune(ClientLimits limits) {
        return false;
    }

    /** With descriptor passing, how the sockets get here ({@code pidfd} or {@code message}); null for the relay. */
    default DescriptorTransfer descriptorTransfer() {
        return null;
    }

    /**
     * Stops taking connections, waits up to {@code graceMillis} for running handlers to return, cuts
     * the rest off, and removes the socket file.
     */
    void close(long graceMillis);
}
