package dev.prefork.bridge.descriptor;

import dev.prefork.bridge.ActiveConnections;
import dev.prefork.bridge.BridgeHeader;
import dev.prefork.bridge.ClientFigures;
import dev.prefork.bridge.ClientLimits;
import dev.prefork.bridge.ConnectionHandler;
import dev.prefork.bridge.PatientExecutor;
import dev.prefork.bridge.ServedConnection;
import dev.prefork.engine.protocol.LogThrottle;
import dev.prefork.posix.PosixException;
import dev.prefork.posix.SocketCalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Takes the clients the links receive when {@code max_clients} is above 0: gives each a slot (the link
 * frees its worker at once while there is room), lets it wait for its first bytes in the
 * {@link FirstBytePoller} ({@code deliver_on first_byte}), then runs its handler on the executor with
 * buffers of its own. At the limit a client waits for a slot with its worker held back (so the workers
 * stop accepting); after {@code max_wait} it reads the busy line and is closed instead.
 */
final class ClientAdmission implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClientAdmission.class.getName());
    /** Returned buffers kept for the next connections (about 24 KiB each); more are left to the GC. */
    private static final int BUFFERS_KEPT = 64;
    /** What a client answered busy has sent already is read and dropped, at most this much, before the close. */
    private static final int DISCARD_CHUNK = 4096;
    private static final int DISCARD_CHUNKS = 16;

    private final String name;
    private final ConnectionHandler handler;
    private final Executor executor;
    private final ActiveConnections connections;
    private final ClientSlots slots;
    private final BufferPool buffers = new BufferPool(BUFFERS_KEPT);
    /** Null with {@code deliver_on accept}. */
    private final FirstBytePoller poller;
    private final MaxWaitWatch maxWait;
    private final AtomicLong refusedMaxWait = new AtomicLong();
    private final LogThrottle maxWaitLines = new LogThrottle(10, TimeUnit.SECONDS);
    private volatile int maxClients;
    /**
     * Set when a client was answered busy after {@code max_wait}, cleared when a slot frees: meanwhile no
     * slot has freed for at least {@code max_wait}, so the clients behind it in the backlog, which waited
     * there at least as long, are answered busy as their workers bring them instead of waiting again.
     */
    private volatile boolean saturated;
    private volatile boolean closing;

    ClientAdmission(String name, ClientLimits limits, ConnectionHandler handler, Executor executor,
                    ActiveConnections connections) {
        this.name = name;
        this.handler = handler;
        this.executor = executor;
        this.connections = connections;
        this.maxClients = limits.maxClients();
        this.slots = new ClientSlots(limits.maxClients());
        this.poller = limits.firstByte() ? new FirstBytePoller(name, limits.firstByteTimeoutMillis()) : null;
        this.maxWait = new MaxWaitWatch(name, slots, limits.maxWaitMillis(), this::turnAway);
    }

    /**
     * Takes a client {@code link} just received: served when there is a slot for it (and the link's worker
     * is freed at once), else it waits for one with the worker held back. {@code calls} and {@code scratch}
     * (one byte) are the calling link thread's, to look for bytes already there without a trip through
     * the poller (the common case on a busy server: the request arrives with the connection).
     */
    void take(HandoffLink link, GuardedDescriptor socket, BridgeHeader header, long workerPid, SocketCalls calls,
              MemorySegment scratch) {
        ClientSlots.Parked client = new ClientSlots.Parked(link, socket, header, workerPid, System.nanoTime());
        if (saturated && maxWait.limitMillis() > 0 && slots.full()) {
            turnAway(client);
            return;
        }
        if (slots.take(client)) {
            link.releaseWorker();
            admit(socket, header, workerPid, calls, scratch);
        } else {
            maxWait.wake();
        }
    }

    /** Serves a client that has a slot: at once, or once it has sent something. */
    private void admit(GuardedDescriptor socket, BridgeHeader header, long workerPid, SocketCalls calls, MemorySegment scratch) {
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
            slotFreed();
        } else {
            awaitFirstBytes(socket, header, workerPid);
        }
    }

    private void awaitFirstBytes(GuardedDescriptor socket, BridgeHeader header, long workerPid) {
        poller.await(socket, header.peer(), () -> deliver(socket, header, workerPid), this::slotFreed);
    }

    /**
     * Serves a client that waited for a slot and now has one, on the thread that freed it (a handler's, the
     * poller's, the watch's): the poller finds out whether it has sent anything, which it may have meanwhile.
     */
    private void admitWaiting(ClientSlots.Parked waiting) {
        waiting.link().releaseWorker(); // false when its worker has left meanwhile; its client is served all the same
        if (poller == null) {
            deliver(waiting.socket(), waiting.header(), waiting.workerPid());
        } else {
            awaitFirstBytes(waiting.socket(), waiting.header(), waiting.workerPid());
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
        if (executor instanceof PatientExecutor patient) {
            // Never waits for a thread here: this may be the poller's thread, which every waiting connection needs.
            patient.executeWithoutWaiting(() -> serve(connection, lent), reason -> refuse(connection, lent, reason));
            return;
        }
        try {
            executor.execute(() -> serve(connection, lent));
        } catch (RejectedExecutionException e) {
            refuse(connection, lent, e.getMessage() != null ? e.getMessage() : "no thread is free");
        }
    }

    private void refuse(ServedConnection connection, ClientBuffers lent, String reason) {
        try {
            connections.refuse(connection, reason);
        } finally {
            ended(lent);
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
        slotFreed();
    }

    /** A connection has left its slot: the client waiting longest gets it. */
    private void slotFreed() {
        saturated = false;
        ClientSlots.Parked next = slots.release();
        if (next != null) {
            admitWaiting(next);
        }
    }

    /**
     * A client waited {@code max_wait} for a slot: it reads the busy line (written without waiting: a
     * client that does not read gets less) and is closed, and its worker accepts again, so the backlog
     * behind it is answered in turn rather than left to wait.
     */
    private void turnAway(ClientSlots.Parked waiting) {
        saturated = true;
        String line = connections.busyMessage().line("all " + maxClients + " connections of " + name + " are in service");
        int fd = waiting.socket().unshared();
        try (Arena arena = Arena.ofConfined()) {
            SocketCalls calls = new SocketCalls(arena);
            MemorySegment bytes = arena.allocateFrom(line, StandardCharsets.UTF_8);
            calls.sendNow(fd, bytes, (int) bytes.byteSize() - 1);
            calls.shutdown(fd, SocketCalls.SHUT_WR);
            // What the client sent is discarded, boundedly: closing with unread bytes would reset the
            // connection, and the client could lose the line before reading it.
            MemorySegment sink = arena.allocate(DISCARD_CHUNK);
            for (int i = 0; i < DISCARD_CHUNKS && calls.receiveNow(fd, sink, DISCARD_CHUNK) > 0; i++) {
                // discarded
            }
        } catch (PosixException e) {
            // The client is gone or its buffer is full: it is closed all the same.
        }
        waiting.socket().close();
        waiting.link().releaseWorker();
        long count = refusedMaxWait.incrementAndGet();
        String log = maxWaitLines.line(name + ": answered " + waiting.header().peer() + " busy: it waited "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - waiting.sinceNanos()) + " ms while all " + maxClients
                + " connections (max_clients) were in service or waiting for their first bytes (max_wait "
                + maxWait.limitMillis() + " ms); " + count + " so far");
        if (log != null) {
            LOG.warning(log);
        }
    }

    /** Applies changed limits: max_clients, first_byte_timeout and max_wait (deliver_on cannot change). */
    void retune(ClientLimits limits) {
        maxClients = limits.maxClients();
        if (poller != null) {
            poller.timeout(limits.firstByteTimeoutMillis());
        }
        maxWait.limit(limits.maxWaitMillis());
        List<ClientSlots.Parked> admitted = slots.resize(limits.maxClients());
        admitted.forEach(this::admitWaiting);
    }

    ClientFigures figures() {
        return new ClientFigures(maxClients, connections.size(), poller == null ? 0 : poller.waiting(), slots.waiting(),
                poller == null ? 0 : poller.timedOut(), refusedMaxWait.get(), connections.refused());
    }

    /**
     * Closes the connections still waiting for a slot or for their first bytes; those in service are the
     * caller's to drain.
     */
    @Override
    public void close() {
        closing = true;
        maxWait.close();
        for (ClientSlots.Parked waiting : slots.drain()) {
            waiting.socket().close();
        }
        if (poller != null) {
            poller.close();
        }
    }
}
