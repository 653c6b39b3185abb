package dev.prefork.bridge.relay;

import dev.prefork.bridge.StreamConnection;
import dev.prefork.bridge.BridgeHeader;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/** One client connection relayed by a worker, as the handler in the controlling JVM sees it. */
final class RelayedConnection extends StreamConnection {
    private final SocketChannel channel;
    private final FramedOutput output;

    private RelayedConnection(SocketChannel channel, BridgeHeader header, FramedOutput output) {
        super(header, new ChannelInput(channel), output);
        this.channel = channel;
        this.output = output;
    }

    RelayedConnection(SocketChannel channel, BridgeHeader header) {
        this(channel, header, new FramedOutput(channel));
    }

    @Override
    protected void shutdownTransportOutput() throws IOException {
        output.shutdownOutput();
    }

    /** Closes the bridge: the worker then closes the client. */
    @Override
    protected void closeTransport() {
        abort();
    }

    /** Closes the bridge channel at once. */
    @Override
    public void abort() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket we no longer need
        }
    }
}
