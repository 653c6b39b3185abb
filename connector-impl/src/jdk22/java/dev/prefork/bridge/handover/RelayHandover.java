package dev.prefork.bridge.handover;

import dev.prefork.bridge.BridgeHeader;
import dev.prefork.engine.protocol.ProcessLog;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * {@code handoff relay}: accept with the JDK, open a bridge connection per client, and copy the bytes
 * both ways until the controlling JVM's handler is done. Plain JDK APIs only.
 */
public final class RelayHandover implements Handover<SocketChannel> {
    private final ServerSocketChannel listener;
    private final UnixDomainSocketAddress bridgeAddress;
    private final HeaderMaker headers;
    private final ProcessLog log;
    private final Relay relay;

    public RelayHandover(ServerSocketChannel listener, UnixDomainSocketAddress bridgeAddress, HeaderMaker headers, ProcessLog log)
            throws IOException {
        this.relay = new Relay();
        this.listener = listener;
        this.bridgeAddress = bridgeAddress;
        this.headers = headers;
        this.log = log;
    }

    @Override
    public SocketChannel accept() throws IOException {
        return listener.accept();
    }

    @Override
    public String peerOf(SocketChannel client) {
        try {
            return BridgeHeader.formatAddress(client.getRemoteAddress());
        } catch (IOException e) {
            return "unknown:0";
        }
    }

    @Override
    public boolean pass(SocketChannel client, String peer, long number) {
        SocketChannel bridge;
        try {
            bridge = SocketChannel.open(StandardProtocolFamily.UNIX);
            bridge.connect(bridgeAddress);
            ByteBuffer header = headers.header(peer, number);
            while (header.hasRemaining()) {
                bridge.write(header);
            }
        } catch (IOException e) {
            log.warning("cannot reach the controlling JVM over " + bridgeAddress + " (" + e + "); closing the client from " + peer);
            drop(client);
            return true;
        }
        relay.relay(client, bridge);
        return true;
    }

    @Override
    public void refuse(SocketChannel client, byte[] line) {
        if (line != null) {
            try {
                client.configureBlocking(false);
                client.write(ByteBuffer.wrap(line));
            } catch (IOException e) {
                // The client is gone already.
            }
        }
        drop(client);
    }

    /**
     * Closes this process's descriptor of the listening socket: the JDK then signals the thread blocked
     * in accept, which returns the client it had already taken, or fails with AsynchronousCloseException
     * (and every later accept with ClosedChannelException, so no wake-up can be lost). Not
     * Thread.interrupt(): on an interrupt the JDK throws ClosedByInterruptException even when accept had
     * already taken a client (AbstractInterruptibleChannel.end), and that client's descriptor is lost
     * with no way to serve or close it. Siblings are not affected: the JDK pre-closes by dup2 over our
     * descriptor (no shutdown), and the socket lives on in every other process that holds it.
     */
    @Override
    public boolean wakeAccept() {
        try {
            listener.close();
            return true;
        } catch (IOException e) {
            log.warning("cannot close the listening socket to stop accepting: " + e);
            return false;
        }
    }

    @Override
    public void drop(SocketChannel client) {
        try {
            client.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public int readTimed(SocketChannel client, byte[] into, int offset, int length, long millis) throws IOException {
        // The socket adaptor's stream times a blocking channel's read out; the channel stays blocking.
        client.socket().setSoTimeout((int) Math.max(1, millis));
        return client.socket().getInputStream().read(into, offset, length);
    }

    @Override
    public void endTimedReads(SocketChannel client) throws IOException {
        client.socket().setSoTimeout(0);
    }
}
