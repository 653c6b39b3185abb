package dev.prefork.bridge.handover;

import dev.prefork.bridge.BridgeHeader;
import dev.prefork.engine.protocol.ProcessLog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The part of a handover that accepts with the JDK ({@code System.inheritedChannel()}, a blocking
 * {@link ServerSocketChannel} on standard input) and holds each client as a {@link SocketChannel}: accepting,
 * refusing, reading a PROXY header, waking the accepting thread. Plain JDK APIs only; subclasses say how a
 * client is passed on.
 */
abstract class ChannelHandover implements Handover<SocketChannel> {
    private final ServerSocketChannel listener;
    protected final ProcessLog log;

    ChannelHandover(ServerSocketChannel listener, ProcessLog log) {
        this.listener = listener;
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
