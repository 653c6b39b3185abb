package dev.prefork.bridge.handover;

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
public final class RelayHandover extends ChannelHandover {
    private final UnixDomainSocketAddress bridgeAddress;
    private final HeaderMaker headers;
    private final Relay relay;

    public RelayHandover(ServerSocketChannel listener, UnixDomainSocketAddress bridgeAddress, HeaderMaker headers, ProcessLog log)
            throws IOException {
        super(listener, log);
        this.relay = new Relay();
        this.bridgeAddress = bridgeAddress;
        this.headers = headers;
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
}
