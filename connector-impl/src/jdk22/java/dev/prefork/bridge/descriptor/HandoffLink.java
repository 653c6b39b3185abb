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
 * its header, has it served, and answers one byte when the handler is done, which lets the worker
 * accept again. The thread that reads the link runs each handler itself ({@link #runInline()}) or hands it
 * to an executor ({@link #runDispatching(Executor)}). Its native memory is freed when the link has ended
 * and its last connection is done, whichever comes last.
 */
final class HandoffLink {
    private static final Logger LOG = Logger.getLogger(HandoffLink.class.getName());

    private final int fd;
    private final DescriptorReceiver bridge;
    private final Arena arena = Arena.ofShared();
    private final SocketCalls readCalls = new SocketCalls(arena);
    private final MemorySegment message = arena.allocate(BridgeHeader.MAX_LENGTH + 4);
    private final SocketCalls doneCalls = new SocketCalls(arena);
    /** The one byte that says "done"; its value does not matter. */
    private final MemorySegment doneByte = arena.allocate(1);
    private final LinkBuffers buffers = LinkBuffers.allocate(arena);
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

    HandoffLink(int fd, DescriptorReceiver bridge) {
        this.fd = fd;
        this.bridge = bridge;
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
            while (receiveOne(executor)) {
                // next client of this worker
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

    /** Receives and dispatches one client; false at the link's end. */
    private boolean receiveOne(Executor executor) throws IOException {
        SocketCalls.Received received = readCalls.receive(fd, message);
        if (received.length() == 0) {
            return false;
        }
        BridgeHeader header;
        try {
            header = BridgeHeader.decodeMessage(message.asSlice(0, received.length()).asByteBuffer());
        } catch (IOException e) {
            SocketCalls.closeQuietly(received.descriptor());
            throw e;
        }
        if (!header.hasSecret(bridge.secret())) {
            SocketCalls.closeQuietly(received.descriptor());
            throw new IOException("wrong secret from pid " + header.pid());
        }
        if (received.descriptor() < 0) {
            throw new IOException("a message without a client socket from pid " + header.pid());
        }
        workerPid = header.pid();
        synchronized (this) {
            if (awaitingDone) {
                // Our workers wait for "done"; a second client now would share the first one's buffers.
                SocketCalls.closeQuietly(received.descriptor());
                throw new IOException("worker " + workerPid + " passed a client before its previous one was done");
            }
            awaitingDone = true;
            inService++;
        }
        DescriptorConnection connection = new DescriptorConnection(new GuardedDescriptor(received.descriptor()), header, buffers);
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

    private void releaseIfDone() {
        synchronized (this) {
            if (!ended || inService > 0 || released) {
                return;
            }
            released = true;
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
