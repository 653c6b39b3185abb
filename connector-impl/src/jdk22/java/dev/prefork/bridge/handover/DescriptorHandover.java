package dev.prefork.bridge.handover;

import dev.prefork.bridge.BridgeHeader;
import dev.prefork.engine.protocol.ProcessLog;
import dev.prefork.posix.PosixException;
import dev.prefork.posix.SocketCalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * {@code handoff descriptor}: accept, send the accepted socket itself to the controlling JVM over this
 * worker's link (with the bridge header), close our copy, and wait for the one-byte "done" that says
 * the handler returned. The worker stays busy with the client the whole time, as a pre-forked worker
 * should, but copies none of its bytes; and if this worker dies meanwhile, the client does not notice.
 */
public final class DescriptorHandover implements Handover<DescriptorHandover.Accepted> {
    private static final int LISTENER = 0;
    private static final int AF_UNIX = 1;
    private static final int AF_INET = 2;
    /**
     * The signal the JDK itself sends a thread to wake it from blocking I/O when a channel is closed
     * ({@code sun.nio.ch.NativeThread}: {@code __SIGRTMAX - 2} on Linux). The JDK installs a handler that
     * does nothing, without SA_RESTART, as soon as any NIO channel blocks (our supervisor link does, at
     * start-up); so the signal makes a blocked accept4 fail with EINTR, and costs a thread outside a
     * system call nothing.
     */
    private static final int WAKE_SIGNAL = 62;

    /** An accepted client: our descriptor of it and its address. */
    record Accepted(int fd, String peer) {
    }

    private final HeaderMaker headers;
    private final ProcessLog log;
    private final SocketCalls calls;
    private final int link;
    private final MemorySegment address;
    private final MemorySegment message;
    private final MemorySegment done;
    /** sockaddr_in6 is the largest address a TCP or Unix listener hands us that we read. */
    private final byte[] addressBytes = new byte[28];
    private final Arena arena;
    /** The pthread that calls {@link #accept}: the one that called {@link #connect}. */
    private final long acceptingThread;
    /** Whether {@link #WAKE_SIGNAL} has a handler here: looked at on the first wake-up (1) or not yet (0); -1 if not. */
    private int wakeHandled;
    /** Where a PROXY header is read to, made on the first one. */
    private MemorySegment firstBytes;
    /** Whether this connection's header had to wait, so that its socket has a receive timeout to clear. */
    private boolean timeoutSet;
    /** The access rules' refusal line in native memory, made on the first refusal. */
    private MemorySegment refusalLine;

    private DescriptorHandover(HeaderMaker headers, ProcessLog log, SocketCalls calls, int link, Arena arena) {
        this.headers = headers;
        this.log = log;
        this.calls = calls;
        this.link = link;
        this.arena = arena;
        this.address = arena.allocate(SocketCalls.SOCKADDR_SIZE, 8);
        this.message = arena.allocate(BridgeHeader.MAX_LENGTH + 4);
        this.done = arena.allocate(16);
        this.acceptingThread = SocketCalls.currentThread();
    }

    /**
     * Opens this worker's link to the controlling JVM's descriptor bridge at {@code bridgeSocket} and says
     * hello on it. Call it on the thread that will accept: {@link #wakeAccept} signals that thread.
     */
    public static DescriptorHandover connect(String bridgeSocket, HeaderMaker headers, ProcessLog log) throws IOException {
        Arena arena = Arena.global(); // lives as long as the worker
        SocketCalls calls = new SocketCalls(arena);
        try {
            DescriptorHandover handover = new DescriptorHandover(headers, log, calls, calls.connectLink(bridgeSocket), arena);
            // The link's hello: our header without a client (connection number 0), which the bridge waits
            // for in bounded time before it gives the link a thread for good.
            calls.send(handover.link, handover.message, headers.header("unix:", 0), -1);
            return handover;
        } catch (PosixException e) {
            throw new IOException("cannot open a link to the controlling JVM at " + bridgeSocket + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Accepted accept() throws IOException {
        int fd;
        try {
            fd = calls.accept(LISTENER, address);
        } catch (PosixException e) {
            throw new IOException(e.getMessage(), e);
        }
        return new Accepted(fd, formatPeer());
    }

    /** The peer's address from {@code address}, copied out with one call and formatted without lookups. */
    private String formatPeer() {
        MemorySegment.copy(address, JAVA_BYTE, 0, addressBytes, 0, addressBytes.length);
        int family = (addressBytes[0] & 0xff) | (addressBytes[1] & 0xff) << 8; // sa_family_t, native (little) endian
        if (family == AF_UNIX) {
            return "unix:";
        }
        int port = (addressBytes[2] & 0xff) << 8 | (addressBytes[3] & 0xff); // network order
        if (family == AF_INET) {
            return new StringBuilder(21).append(addressBytes[4] & 0xff).append('.').append(addressBytes[5] & 0xff)
                    .append('.').append(addressBytes[6] & 0xff).append('.').append(addressBytes[7] & 0xff)
                    .append(':').append(port).toString();
        }
        try {
            byte[] ip = java.util.Arrays.copyOfRange(addressBytes, 8, 24);
            return BridgeHeader.formatAddress(new InetSocketAddress(InetAddress.getByAddress(ip), port));
        } catch (UnknownHostException e) {
            return "unknown:0";
        }
    }

    @Override
    public String peerOf(Accepted client) {
        return client.peer();
    }

    @Override
    public boolean pass(Accepted client, String peer, long number) {
        try {
            calls.send(link, message, headers.header(peer, number), client.fd());
        } catch (PosixException e) {
            log.warning("cannot hand the client from " + peer + " to the controlling JVM (" + e.getMessage()
                    + "); closing it and leaving");
            return false;
        } finally {
            // The controlling JVM holds its own descriptor of the client now (or nobody does).
            SocketCalls.closeQuietly(client.fd());
        }
        try {
            int n = calls.read(link, done, (int) done.byteSize());
            if (n == 0) {
                log.warning("the controlling JVM closed this worker's link; leaving");
                return false;
            }
            return true;
        } catch (PosixException e) {
            log.warning("lost the link to the controlling JVM (" + e.getMessage() + "); leaving");
            return false;
        }
    }

    @Override
    public void refuse(Accepted client, byte[] line) {
        if (line != null) {
            if (refusalLine == null) {
                refusalLine = arena.allocate(line.length);
                MemorySegment.copy(line, 0, refusalLine, JAVA_BYTE, 0, line.length);
            }
            try {
                calls.sendNow(client.fd(), refusalLine, (int) refusalLine.byteSize());
            } catch (PosixException e) {
                // The client is gone already.
            }
        }
        drop(client);
    }

    /**
     * Signals the accepting thread, whose accept4 then fails with EINTR unless it has already taken a
     * client, which it then returns (the kernel does one or the other). The FFM call is not woken by
     * Thread.interrupt(); and polling the listening socket before each accept would cost a system call
     * per connection and, with serialize none, wake every idle worker for each one. A signal that comes
     * just before the thread enters accept4 is lost: the caller signals again until the thread is out.
     */
    @Override
    public synchronized boolean wakeAccept() {
        if (wakeHandled == 0) {
            wakeHandled = signalCaught(WAKE_SIGNAL) ? 1 : -1;
            if (wakeHandled < 0) {
                // The default action of a real-time signal is to end the process, which would lose a client
                // accept had just taken: better to leave after the next client or at the grace period's end.
                log.warning("signal " + WAKE_SIGNAL + " has no handler in this JVM; cannot wake the accepting thread");
            }
        }
        return wakeHandled > 0 && SocketCalls.signalThread(acceptingThread, WAKE_SIGNAL);
    }

    /** Whether this process catches {@code signal}, from the SigCgt mask of /proc/self/status. */
    private static boolean signalCaught(int signal) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("SigCgt:")) {
                    return new java.math.BigInteger(line.substring(7).trim(), 16).testBit(signal - 1);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // treated as not caught
        }
        return false;
    }

    @Override
    public void drop(Accepted client) {
        SocketCalls.closeQuietly(client.fd());
    }

    @Override
    public int readTimed(Accepted client, byte[] into, int offset, int length, long millis) throws IOException {
        if (firstBytes == null) {
            firstBytes = arena.allocate(dev.prefork.engine.proxy.ProxyHeaderParser.V2_MAX);
        }
        int wanted = Math.min(length, (int) firstBytes.byteSize());
        int n;
        try {
            // A balancer sends its header as soon as it connects, so it is usually there already: one
            // system call, and no receive timeout to set and clear again.
            n = calls.receiveNow(client.fd(), firstBytes, wanted);
            if (n < 0) {
                calls.receiveTimeout(client.fd(), Math.max(1, millis));
                timeoutSet = true;
                n = calls.read(client.fd(), firstBytes, wanted);
            }
        } catch (PosixException e) {
            if (e.errno() == SocketCalls.EAGAIN) {
                throw new java.net.SocketTimeoutException("no PROXY header within " + millis + " ms");
            }
            throw new IOException(e.getMessage(), e);
        }
        if (n == 0) {
            return -1;
        }
        MemorySegment.copy(firstBytes, JAVA_BYTE, 0, into, offset, n);
        return n;
    }

    @Override
    public void endTimedReads(Accepted client) throws IOException {
        if (!timeoutSet) {
            return;
        }
        timeoutSet = false;
        try {
            // The controlling JVM receives this very socket: SO_RCVTIMEO left on it would fail its reads.
            calls.receiveTimeout(client.fd(), 0);
        } catch (PosixException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
