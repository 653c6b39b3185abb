package dev.prefork.bridge.descriptor;

import dev.prefork.bridge.BridgeHeader;
import dev.prefork.posix.PosixException;
import dev.prefork.posix.SocketCalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One worker's link to the descriptor bridge, for the worker's life: it receives a client socket with
 * its header, has it served, and answers one byte ("done") that lets the worker accept again.
 *
 * <p>With {@code max_clients} 0 "done" goes when the handler has returned: one client per worker, and
 * the thread that reads the link runs each handler itself ({@link #runInline()}) or hands it to an
 * executor ({@link #runDispatching(Executor)}) with the link's own buffers. With {@code max_clients}
 * above 0 the {@link ClientAdmission} takes the client and "done" goes at once while there is room in
 * this JVM, else when the client gets a slot or is answered busy ({@link #releaseWorker()}).
 *
 * <p>Its native memory is freed when the link has ended and its last connection is done, whichever comes last.
 */
final class HandoffLink {
    private static final Logger LOG = Logger.getLogger(HandoffLink.class.getName());
    /**
     * A worker says hello on its link the moment it connects it (its header, connection number 0, no
     * client); a link silent this long is not a worker of ours, and is closed. 30 s, not less: on a
     * machine loaded far past its cores a worker JVM was seen to take over 10 s between its connect and its
     * hello, and dropping it cost the pool that worker; a silent link costs one thread, and links are bounded.
     * The system property {@value #HELLO_TIMEOUT_PROPERTY} overrides it (read when a link starts), so that a
     * test of the deadline need not wait 30 s and an operator on a slower machine can lengthen it.
     */
    static final String HELLO_TIMEOUT_PROPERTY = "prefork.handoff.helloTimeoutMillis";
    private static final long DEFAULT_HELLO_TIMEOUT_MILLIS = 30_000;

    private final int fd;
    private final DescriptorReceiver bridge;
    private final Arena arena = Arena.ofShared();
    private final SocketCalls readCalls = new SocketCalls(arena);
    private final MemorySegment message = arena.allocate(BridgeHeader.MAX_LENGTH + 4);
    private final SocketCalls doneCalls = new SocketCalls(arena);
    /** The one byte that says "done"; its value does not matter. */
    private final MemorySegment doneByte = arena.allocate(1);
    /** The buffers of the link's one client at a time, with {@code max_clients} 0; null otherwise. */
    private final ClientBuffers buffers;
    /** Where clients go with {@code max_clients} above 0; null for one client per worker. */
    private final ClientAdmission admission;
    /** A client was received and its "done" not yet sent: the worker must not pass another meanwhile. */
    private boolean awaitingDone;
    /**
     * Clients received whose handling has not finished (at most two for an instant: one whose "done" is
     * being sent and the worker's next); the link's memory is freed only at zero.
     */
    private int inService;
    private boolean ended;
    private boolean released;
    private long workerPid = -1;
    /** Made on the link's thread when it starts (a pidfd intake asks the kernel who the peer is); closed at its end. */
    private ClientIntake intake;

    HandoffLink(int fd, DescriptorReceiver bridge, ClientAdmission admission) {
        this.fd = fd;
        this.bridge = bridge;
        this.admission = admission;
        this.buffers = admission == null ? ClientBuffers.allocate(arena) : null;
    }

    /** Reads the link and runs every handler on this thread. */
    void runInline() {
        run(null);
    }

    /** Reads the link on this thread and runs every handler on {@code executor}. */
    void runDispatching(Executor executor) {
        run(executor);
    }

    private void run(Executor executor) {
        try {
            intake = bridge.pidfdTransfer() ? new PidfdIntake(fd, readCalls, bridge, arena) : new MessageIntake(fd, readCalls, bridge);
            if (receiveHello()) {
                while (receiveOne(executor)) {
                    // next client of this worker
                }
            }
        } catch (PosixException | IOException e) {
            if (!bridge.closing()) {
                LOG.warning("dropping the link of worker " + workerPid + ": " + e.getMessage());
            }
        } finally {
            synchronized (this) {
                ended = true;
            }
            releaseIfDone();
        }
    }

    /** The link's first message, within the hello deadline: the worker's header, and no client. */
    private boolean receiveHello() throws IOException {
        long helloTimeoutMillis = Math.max(1, Long.getLong(HELLO_TIMEOUT_PROPERTY, DEFAULT_HELLO_TIMEOUT_MILLIS));
        readCalls.receiveTimeout(fd, helloTimeoutMillis);
        ClientIntake.Incoming received;
        try {
            received = intake.next(message, workerPid);
        } catch (PosixException e) {
            if (e.errno() == SocketCalls.EAGAIN) {
                throw new IOException("no hello within " + helloTimeoutMillis + " ms of connecting", e);
            }
            throw e;
        }
        intake.discard(received);
        if (received.hasClient()) {
            throw new IOException("a client passed with the link's hello");
        }
        if (received.length() == 0) {
            return false;
        }
        BridgeHeader header = BridgeHeader.decodeMessage(message.asSlice(0, received.length()).asByteBuffer());
        if (!header.hasSecret(bridge.secret())) {
            throw new IOException("wrong secret in the link's hello from pid " + header.pid());
        }
        if (header.connectionNumber() != 0) {
            throw new IOException("pid " + header.pid() + " passed a client before saying hello");
        }
        workerPid = header.pid();
        readCalls.receiveTimeout(fd, 0); // a worker may wait for its next client as long as it likes
        return true;
    }

    /** Receives and dispatches one client; false at the link's end. */
    private boolean receiveOne(Executor executor) throws IOException {
        ClientIntake.Incoming received = intake.next(message, workerPid);
        if (received.length() == 0) {
            intake.discard(received);
            if (received.hasClient()) {
                throw new IOException("an empty message carrying a descriptor");
            }
            return false;
        }
        BridgeHeader header;
        try {
            header = BridgeHeader.decodeMessage(message.asSlice(0, received.length()).asByteBuffer());
        } catch (IOException e) {
            intake.discard(received);
            throw e;
        }
        if (!header.hasSecret(bridge.secret())) {
            intake.discard(received);
            throw new IOException("wrong secret from pid " + header.pid());
        }
        if (!received.hasClient()) {
            throw new IOException("a message without a client socket from pid " + header.pid());
        }
        workerPid = header.pid();
        int descriptor = intake.take(received, workerPid);
        synchronized (this) {
            if (awaitingDone) {
                // Our workers wait for "done"; a second client now would share the first one's buffers, or
                // pass max_clients.
                SocketCalls.closeQuietly(descriptor);
                throw new IOException("worker " + workerPid + " passed a client before its previous one was done");
            }
            awaitingDone = true;
            if (admission == null) {
                inService++;
            }
        }
        if (admission != null) {
            admission.take(this, new GuardedDescriptor(descriptor), header, workerPid, readCalls, message);
            return true;
        }
        DescriptorConnection connection;
        try {
            connection = new DescriptorConnection(new GuardedDescriptor(descriptor), header, buffers);
        } catch (IllegalArgumentException e) {
            // An address that does not parse: this client cannot be described to a handler. Drop it, keep the link.
            SocketCalls.closeQuietly(descriptor);
            LOG.warning("dropping a client passed by worker " + workerPid + ": " + e.getMessage());
            done();
            return true;
        }
        if (executor == null) {
            serve(connection);
            return true;
        }
        try {
            executor.execute(() -> serve(connection));
        } catch (RejectedExecutionException e) {
            try {
                bridge.connections().refuse(connection, e.getMessage() != null ? e.getMessage() : "no thread is free");
            } finally {
                done();
            }
        }
        return true;
    }

    private void serve(DescriptorConnection connection) {
        try {
            bridge.connections().serve(bridge.handler(), connection, bridge.closing());
        } finally {
            done();
        }
    }

    /** Tells the worker its client is done with, and frees the link's memory if the link has ended meanwhile. */
    private void done() {
        // Cleared before the byte goes: the worker may pass its next client the instant it reads it, and
        // with handlers on an executor the link's thread receives that client while this thread is still
        // here (clearing it after the send dropped such a link now and then, and the client with it).
        synchronized (this) {
            awaitingDone = false;
        }
        try {
            doneCalls.send(fd, doneByte, 0, 1);
        } catch (PosixException e) {
            // The worker is gone (killed, or cut off at stop): its client was served all the same.
            LOG.log(Level.FINE, "worker " + workerPid + " left before its client was done", e);
        }
        synchronized (this) {
            inService--;
        }
        releaseIfDone();
    }

    /**
     * With {@code max_clients}: lets the worker accept its next client. False when the link has ended
     * (its worker is gone), so that the turn can pass to another worker.
     */
    boolean releaseWorker() {
        synchronized (this) {
            if (released || ended) {
                return false;
            }
            awaitingDone = false;
            try {
                // Under the lock: the link's memory is not freed while the byte goes, and threads freeing
                // slots do not share the call scratch at once.
                doneCalls.send(fd, doneByte, 0, 1);
                return true;
            } catch (PosixException e) {
                LOG.log(Level.FINE, "worker " + workerPid + " left while waiting for a free slot", e);
                return false;
            }
        }
    }

    private void releaseIfDone() {
        synchronized (this) {
            if (!ended || inService > 0 || released) {
                return;
            }
            released = true;
        }
        if (intake != null) {
            intake.close();
        }
        SocketCalls.closeQuietly(fd);
        arena.close();
        bridge.linkEnded(this);
    }

    /** Wakes the link's thread (its worker is gone or the bridge closes). */
    synchronized void shutdown() {
        if (!released) {
            SocketCalls.shutdownQuietly(fd);
        }
    }
}
