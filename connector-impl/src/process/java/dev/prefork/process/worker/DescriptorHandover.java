package dev.prefork.process.worker;

import dev.prefork.engine.protocol.BridgeHeader;
import dev.prefork.process.ProcessLog;
import dev.prefork.process.posix.PosixException;
import dev.prefork.process.posix.SocketCalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * {@code handoff descriptor}: accept, send the accepted socket itself to the controlling JVM over this
 * worker's link (with the bridge header), close our copy, and wait for the one-byte "done" that says
 * the handler returned. The worker stays busy with the client the whole time, as a pre-forked worker
 * should, but copies none of its bytes; and if this worker dies meanwhile, the client does not notice.
 */
final class DescriptorHandover implements Handover<DescriptorHandover.Accepted> {
    private static final int LISTENER = 0;
    private static final short AF_UNIX = 1;
    private static final short AF_INET = 2;
    private static final short AF_INET6 = 10;

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

    private DescriptorHandover(HeaderMaker headers, ProcessLog log, SocketCalls calls, int link, Arena arena) {
        this.headers = headers;
        this.log = log;
        this.calls = calls;
        this.link = link;
        this.address = arena.allocate(SocketCalls.SOCKADDR_SIZE, 8);
        this.message = arena.allocate(BridgeHeader.MAX_LENGTH + 4);
        this.done = arena.allocate(16);
    }

    /** Opens this worker's link to the controlling JVM's descriptor bridge at {@code bridgeSocket}. */
    static DescriptorHandover connect(String bridgeSocket, HeaderMaker headers, ProcessLog log) throws IOException {
        Arena arena = Arena.global(); // lives as long as the worker
        SocketCalls calls = new SocketCalls(arena);
        try {
            return new DescriptorHandover(headers, log, calls, calls.connectLink(bridgeSocket), arena);
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

    private String formatPeer() {
        short family = address.get(JAVA_SHORT, 0);
        if (family == AF_UNIX) {
            return "unix:";
        }
        int port = Short.toUnsignedInt(address.get(JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2));
        byte[] ip = family == AF_INET6 ? address.asSlice(8, 16).toArray(JAVA_BYTE) : address.asSlice(4, 4).toArray(JAVA_BYTE);
        try {
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
    public void drop(Accepted client) {
        SocketCalls.closeQuietly(client.fd());
    }
}
