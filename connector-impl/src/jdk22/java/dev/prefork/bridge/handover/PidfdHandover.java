package dev.prefork.bridge.handover;

import dev.prefork.bridge.PidfdFrame;
import dev.prefork.engine.protocol.ProcessLog;

import java.io.EOFException;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * {@code handoff descriptor} with {@code descriptor_transfer pidfd}: accept with the JDK, name the accepted
 * socket's descriptor number and its bridge header to the controlling JVM over this worker's link (a
 * Unix-domain stream, {@link PidfdFrame}), which takes the socket itself with {@code pidfd_getfd}; then wait
 * for the one-byte "done" and close our copy. No native call and so no FFM linking in the worker, which is
 * what this transfer is for: it saves every worker's start the hidden classes and stubs that linking spins.
 *
 * <p>Our copy stays open until "done": the number must name this client until the controlling JVM has
 * taken it, and waiting for "done" anyway costs no extra answer. If the controlling JVM cannot take it, it
 * answers {@link PidfdFrame#SEND_IT} and the socket goes in an {@code SCM_RIGHTS} message instead
 * ({@link MessageFallback}, which links its native calls only then): the client is not lost.
 */
public final class PidfdHandover extends ChannelHandover {
    private final SocketChannel link;
    private final int linkDescriptor;
    private final HeaderMaker headers;
    private final ByteBuffer prefix = ByteBuffer.allocate(4);
    private final ByteBuffer[] frame = new ByteBuffer[2];
    private final ByteBuffer answer = ByteBuffer.allocate(1);

    private PidfdHandover(ServerSocketChannel listener, SocketChannel link, HeaderMaker headers, ProcessLog log) {
        super(listener, log);
        this.link = link;
        this.linkDescriptor = ChannelDescriptors.of(link);
        this.headers = headers;
    }

    /** Opens this worker's link to the controlling JVM's bridge at {@code bridgeSocket} and says hello on it. */
    public static PidfdHandover connect(ServerSocketChannel listener, String bridgeSocket, HeaderMaker headers, ProcessLog log)
            throws IOException {
        SocketChannel link;
        try {
            link = SocketChannel.open(UnixDomainSocketAddress.of(bridgeSocket));
        } catch (IOException e) {
            throw new IOException("cannot open a link to the controlling JVM at " + bridgeSocket + ": " + e.getMessage(), e);
        }
        PidfdHandover handover = new PidfdHandover(listener, link, headers, log);
        // The link's hello: our header without a client (connection number 0), which the bridge waits for in
        // bounded time before it gives the link a thread for good.
        handover.send(PidfdFrame.NO_CLIENT, headers.header("unix:", 0));
        return handover;
    }

    private void send(int named, ByteBuffer header) throws IOException {
        frame[0] = PidfdFrame.prefix(prefix, named);
        frame[1] = header;
        while (header.hasRemaining()) {
            link.write(frame);
        }
    }

    /** The controlling JVM's next one-byte answer. */
    private byte answer() throws IOException {
        answer.clear();
        if (link.read(answer) < 0) {
            throw new EOFException("the controlling JVM closed this worker's link");
        }
        return answer.get(0);
    }

    @Override
    public boolean pass(SocketChannel client, String peer, long number) {
        try {
            int descriptor = ChannelDescriptors.of(client);
            send(descriptor, headers.header(peer, number));
            if (answer() == PidfdFrame.SEND_IT) {
                MessageFallback.send(linkDescriptor, descriptor);
                answer();
            }
            return true;
        } catch (IOException e) {
            log.warning("lost the link to the controlling JVM while handing over the client from " + peer + " (" + e.getMessage()
                    + "); leaving");
            return false;
        } finally {
            // The controlling JVM holds its own descriptor of the client now (or nobody does).
            drop(client);
        }
    }
}
