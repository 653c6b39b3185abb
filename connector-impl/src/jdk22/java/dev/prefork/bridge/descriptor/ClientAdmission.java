package dev.prefork.bridge.descriptor;

import dev.prefork.bridge.ActiveConnections;
import dev.prefork.bridge.BridgeHeader;
import dev.prefork.bridge.ClientLimits;
import dev.prefork.bridge.ConnectionHandler;
import dev.prefork.posix.PosixException;
import dev.prefork.posix.SocketCalls;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Logger;

/**
 * Takes the clients the links receive when {@code max_clients} is above 0: counts each against the
 * limit (the link frees its worker at once while there is room), lets it wait for its first bytes in
 * the {@link FirstBytePoller} ({@code deliver_on first_byte}), then runs its handler on the executor with
 * buffers of its own; when it ends, its slot frees the worker that has waited longest.
 */
final class ClientAdmission implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClientAdmission.class.getName());
    /** Returned buffers kept for the next connections (about 24 KiB each); more are left to the GC. */
    private static final int BUFFERS_KEPT = 64;

    private final String name;
    private final ConnectionHandler handler;
    private final Executor executor;
    private final ActiveConnections connections;
    private final ClientSlots slots;
    private final BufferPool buffers = new BufferPool(BUFFERS_KEPT);
    /** Null with {@code deliver_on accept}. */
    private final FirstBytePoller poller;
    private volatile boolean closing;

    ClientAdmission(String name, ClientLimits limits, ConnectionHandler handler, Executor executor,
                    ActiveConnections connections) {
        this.name = name;
        this.handler = handler;
        this.executor = executor;
        this.connections = connections;
        this.slots = new ClientSlots(limits.maxClients());
        this.poller = limits.firstByte() ? new FirstBytePoller(name, limits.firstByteTimeoutMillis()) : null;
    }

    /**
     * Counts a client {@code link} just received; true when the link may free its worker now, false when
     * {@code max_clients} is reached and the slots will free it later.
     */
    boolean count(HandoffLink link) {
        return slots.take(link);
    }

    /**
     * Serves a counted client: at once, or once it has sent something. {@code calls} and {@code scratch}
     * (one byte) are the calling link thread's, to look for bytes already there without a trip through
     * the poller (the common case on a busy server: the request arrives with the connection).
     */
    void admit(GuardedDescriptor socket, BridgeHeader header, long workerPid, SocketCalls calls, MemorySegment scratch) {
        if (poller == null) {
            deliver(socket, header, workerPid);
            return;
        }
        int peeked;
        try {
            peeked = calls.peek(socket.unshared(), scratch);
        } catch (PosixException e) {
            peeked = 0; // reset already: nothing to serve
        }
        if (peeked > 0) {
            deliver(socket, header, workerPid);
        } else if (peeked == 0) {
            socket.close();
            slots.release();
        } else {
            poller.await(socket, header.peer(), () -> deliver(socket, header, workerPid), slots::release);
        }
    }

    private void deliver(GuardedDescriptor socket, BridgeHeader header, long workerPid) {
        ClientBuffers lent = buffers.take();
        DescriptorConnection connection;
        try {
            connection = new DescriptorConnection(socket, header, lent);
        } catch (IllegalArgumentException e) {
            // An address that does not parse: this client cannot be described to a handler.
            LOG.warning(name + ": dropping a client passed by worker " + workerPid + ": " + e.getMessage());
            socket.close();
            ended(lent);
            return;
        }
        try {
            executor.execute(() -> serve(connection, lent));
        } catch (RejectedExecutionException e) {
            try {
                connections.refuse(connection, e.getMessage() != null ? e.getMessage() : "no thread is free");
            } finally {
                ended(lent);
            }
        }
    }

    private void serve(DescriptorConnection connection, ClientBuffers lent) {
        try {
            connections.serve(handler, connection, closing);
        } finally {
            ended(lent);
        }
    }

    private void ended(ClientBuffers lent) {
        buffers.give(lent);
        slots.release();
    }

    /** Closes the connections still waiting for their first bytes; those in service are the caller's to drain. */
    @Override
    public void close() {
        closing = true;
        if (poller != null) {
            poller.close();
        }
    }
}
