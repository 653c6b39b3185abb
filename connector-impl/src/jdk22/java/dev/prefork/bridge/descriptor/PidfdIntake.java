package dev.prefork.bridge.descriptor;

import dev.prefork.bridge.PidfdFrame;
import dev.prefork.posix.PidfdCalls;
import dev.prefork.posix.PosixException;
import dev.prefork.posix.SocketCalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.logging.Logger;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

/**
 * {@code descriptor_transfer pidfd}: the link is a {@code SOCK_STREAM} socket, on which a worker on plain
 * JDK channels sends frames of the {@link PidfdFrame} layout (the number its accepted socket has in the
 * worker, then the bridge header), and this JVM takes the socket itself with {@code pidfd_getfd} from the
 * process at the other end of the link (as the kernel names it, never as the header says).
 *
 * <p>Whatever number a peer names, it costs that one message: a descriptor that is not open there, not a
 * socket, a listening socket, the link itself, is not used (what was taken is closed again) and the
 * worker is asked to send its client in an {@code SCM_RIGHTS} message instead ({@link PidfdFrame#SEND_IT}),
 * which it does with native calls it links only then. A legitimate worker's client is never lost to a
 * failed take (a permission that changed, say); a peer that does not follow up with exactly one client
 * socket loses its link.
 */
final class PidfdIntake implements ClientIntake {
    private static final Logger LOG = Logger.getLogger(PidfdIntake.class.getName());
    private static final java.lang.foreign.ValueLayout.OfInt NETWORK_INT = JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /**
     * Once a frame has begun, the rest of it must follow within this: a worker writes each frame at once, so
     * only a broken or hostile peer keeps a link thread waiting mid-frame.
     */
    private static final long REST_OF_FRAME_MILLIS = 10_000;

    private final int link;
    private final SocketCalls calls;
    private final DescriptorReceiver bridge;
    private final PidfdCalls pidfds;
    private final MemorySegment prefix;
    private final MemorySegment sendIt;
    private final MemorySegment oneByte;
    private final int peer;
    private final DescriptorPatience patience = new DescriptorPatience();

    /** Opens a pidfd of the process at the other end of {@code link}; the arena is the link's. */
    PidfdIntake(int link, SocketCalls calls, DescriptorReceiver bridge, Arena arena) {
        this.link = link;
        this.calls = calls;
        this.bridge = bridge;
        this.pidfds = new PidfdCalls(arena);
        this.prefix = arena.allocate(PidfdFrame.PREFIX_LENGTH);
        this.sendIt = arena.allocate(1);
        sendIt.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, PidfdFrame.SEND_IT);
        this.oneByte = arena.allocate(1);
        this.peer = pidfds.peer(link).pidfd();
        // What a take that fails needs, loaded and linked now: with no descriptor free, nothing can be loaded then.
        PidfdCalls.prepareForFailures();
    }

    @Override
    public Incoming next(MemorySegment header, long workerPid) throws IOException {
        boolean[] restTimed = {false};
        if (!readFully(prefix, 0, PidfdFrame.PREFIX_LENGTH, restTimed)) {
            return new Incoming(0, -1, -1);
        }
        int named = prefix.get(NETWORK_INT, 0);
        int length = prefix.get(NETWORK_INT, 4);
        String problem = PidfdFrame.prefixProblem(named, length);
        if (problem != null) {
            throw new IOException(problem);
        }
        header.set(NETWORK_INT, 0, length);
        if (!readFully(header, 4, length, restTimed)) {
            throw new IOException("the link ended inside a message");
        }
        if (restTimed[0]) {
            calls.receiveTimeout(link, 0);
        }
        return new Incoming(4 + length, -1, named);
    }

    /**
     * Reads exactly {@code length} bytes to {@code into} at {@code offset}; false at the link's end before the
     * first byte of a frame. A frame that arrives in pieces gets a receive deadline for its rest.
     */
    private boolean readFully(MemorySegment into, int offset, int length, boolean[] restTimed) throws IOException {
        int got = 0;
        while (got < length) {
            int n;
            try {
                n = calls.read(link, into.asSlice(offset + got), length - got);
            } catch (PosixException e) {
                if (restTimed[0] && e.errno() == SocketCalls.EAGAIN) {
                    throw new IOException("a message stopped mid-way for " + REST_OF_FRAME_MILLIS + " ms", e);
                }
                throw e;
            }
            if (n == 0) {
                if (got == 0 && offset == 0 && !restTimed[0]) {
                    return false;
                }
                throw new IOException("the link ended inside a message");
            }
            got += n;
            if (got < length && !restTimed[0]) {
                calls.receiveTimeout(link, REST_OF_FRAME_MILLIS);
                restTimed[0] = true;
            }
        }
        return true;
    }

    @Override
    public int take(Incoming incoming, long workerPid) throws IOException {
        boolean waiting = false;
        String problem;
        while (true) {
            int fd;
            try {
                fd = pidfds.take(peer, incoming.named());
            } catch (PosixException e) {
                if (e.errno() == SocketCalls.EMFILE || e.errno() == SocketCalls.ENFILE) {
                    if (!waiting) {
                        patience.restart();
                        waiting = true;
                    }
                    patience.noRoom(bridge, workerPid, e.getMessage());
                    continue;
                }
                if (e.errno() == PidfdCalls.ESRCH) {
                    throw new IOException("worker " + workerPid + " is gone", e);
                }
                problem = e.getMessage();
                break;
            }
            String notAClient = pidfds.notAClient(fd);
            if (notAClient == null) {
                return fd;
            }
            SocketCalls.closeQuietly(fd);
            problem = "its descriptor " + incoming.named() + " is " + notAClient;
            break;
        }
        String line = bridge.untakenClients().line(bridge.name() + ": cannot take the client of worker " + workerPid
                + " with pidfd_getfd (" + problem + "); asking the worker to send it instead");
        if (line != null) {
            LOG.warning(line);
        }
        return receiveSent(workerPid);
    }

    /** Asks the worker for its client in an SCM_RIGHTS message (one byte and the socket), and receives it. */
    private int receiveSent(long workerPid) throws IOException {
        calls.send(link, sendIt, 0, 1);
        SocketCalls.Received received = MessageIntake.receivePatiently(calls, link, oneByte, bridge, workerPid, patience);
        if (received.length() != 1 || received.descriptor() < 0) {
            if (received.descriptor() >= 0) {
                SocketCalls.closeQuietly(received.descriptor());
            }
            throw new IOException("worker " + workerPid + " did not send the client it was asked for");
        }
        String notAClient = pidfds.notAClient(received.descriptor());
        if (notAClient != null) {
            SocketCalls.closeQuietly(received.descriptor());
            throw new IOException("worker " + workerPid + " sent, for its client, " + notAClient);
        }
        return received.descriptor();
    }

    @Override
    public void discard(Incoming incoming) {
        // nothing taken yet: the client stays the worker's, which closes it when its link ends
    }

    @Override
    public void close() {
        SocketCalls.closeQuietly(peer);
    }
}
