package dev.prefork.bridge.handover;

import dev.prefork.bridge.BridgeFrames;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * Moves one client connection's bytes between the client socket and the bridge connection to the
 * controlling JVM, both ways, until the handler there returns.
 *
 * <p>One thread does both directions with a selector: a second relay thread would cost a hand-off and
 * its own sleeps and wake-ups on every connection. Each direction has one fixed buffer, and a side is
 * read only while the buffer towards the other side is empty, so a client or a handler that stops
 * reading stops the other side instead of growing a buffer.
 *
 * <p>Client to handler: raw bytes; the client's end of stream (or reset) becomes the handler's end of
 * stream. Handler to client: {@link BridgeFrames frames}; a zero frame half-closes the client; the
 * bridge's end of stream (the handler returned) ends the relay once what came before it is delivered.
 */
final class Relay {
    private static final int BUFFER_SIZE = 64 * 1024;

    private final Selector selector;
    /** Client bytes on their way to the handler; kept in write mode (filled from position 0). */
    private final ByteBuffer toHandler = ByteBuffer.allocateDirect(BUFFER_SIZE);
    /** Receiver bytes (frames) on their way to the client; kept in read mode (position = next unparsed byte). */
    private final ByteBuffer fromHandler = ByteBuffer.allocateDirect(BUFFER_SIZE);

    Relay() throws IOException {
        selector = Selector.open();
    }

    /** Relays until the handler has returned (or either side failed), then closes both channels. */
    void relay(SocketChannel client, SocketChannel bridge) {
        Connection connection = new Connection(client, bridge);
        try {
            client.configureBlocking(false);
            bridge.configureBlocking(false);
            connection.clientKey = client.register(selector, 0);
            connection.bridgeKey = bridge.register(selector, 0);
            connection.run();
        } catch (IOException e) {
            // The client went away or the bridge broke: either way this connection is over.
        } finally {
            closeQuietly(client);
            closeQuietly(bridge);
            try {
                selector.selectNow(); // flush the cancelled keys before the next connection registers
            } catch (IOException ignored) {
                // the selector stays usable
            }
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** The state of one relayed connection. */
    private final class Connection {
        final SocketChannel client;
        final SocketChannel bridge;
        SelectionKey clientKey;
        SelectionKey bridgeKey;
        boolean clientEnded;
        boolean handlerToldOfEnd;
        boolean handlerGone;
        boolean bridgeEnded;
        int payloadLeft;
        boolean clientBlocked;

        Connection(SocketChannel client, SocketChannel bridge) {
            this.client = client;
            this.bridge = bridge;
            toHandler.clear();
            fromHandler.clear().flip();
        }

        void run() throws IOException {
            while (true) {
                if (!clientBlocked && deliverToClient() && bridgeEnded) {
                    return; // the handler returned and everything it wrote has reached the client
                }
                updateInterest();
                selector.select();
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key == clientKey) {
                        if (key.isWritable()) {
                            clientBlocked = false;
                        }
                        if (key.isReadable()) {
                            readClient();
                        }
                    } else {
                        if (key.isWritable()) {
                            flushToHandler();
                        }
                        if (key.isReadable()) {
                            readBridge();
                        }
                    }
                }
            }
        }

        private void updateInterest() {
            int clientOps = 0;
            if (!clientEnded && toHandler.position() == 0) {
                clientOps |= SelectionKey.OP_READ;
            }
            if (clientBlocked) {
                clientOps |= SelectionKey.OP_WRITE;
            }
            int bridgeOps = 0;
            if (!bridgeEnded && !clientBlocked) {
                bridgeOps |= SelectionKey.OP_READ;
            }
            if (toHandler.position() > 0 && !handlerGone) {
                bridgeOps |= SelectionKey.OP_WRITE;
            }
            if (clientKey.interestOps() != clientOps) {
                clientKey.interestOps(clientOps);
            }
            if (bridgeKey.interestOps() != bridgeOps) {
                bridgeKey.interestOps(bridgeOps);
            }
        }

        private void readClient() throws IOException {
            int n;
            try {
                n = client.read(toHandler);
            } catch (IOException reset) {
                n = -1; // a reset client has ended too, as far as the handler is concerned
            }
            if (n < 0) {
                clientEnded = true;
            }
            flushToHandler();
        }

        /** Writes what the client sent on to the handler, and passes the client's end on once all is written. */
        private void flushToHandler() {
            if (handlerGone) {
                toHandler.clear();
                return;
            }
            try {
                if (toHandler.position() > 0) {
                    toHandler.flip();
                    bridge.write(toHandler);
                    toHandler.compact();
                }
                if (clientEnded && toHandler.position() == 0 && !handlerToldOfEnd) {
                    handlerToldOfEnd = true;
                    bridge.shutdownOutput();
                }
            } catch (IOException e) {
                // The handler returned and closed the bridge; its end of stream is on its way to us.
                handlerGone = true;
                toHandler.clear();
            }
        }

        private void readBridge() throws IOException {
            fromHandler.compact();
            int n = bridge.read(fromHandler);
            fromHandler.flip();
            if (n < 0) {
                bridgeEnded = true;
            }
        }

        /**
         * Writes the payload of the frames read so far to the client. Returns true when everything
         * read is delivered, false when the client's socket is full (then {@link #clientBlocked}).
         */
        private boolean deliverToClient() throws IOException {
            while (true) {
                if (payloadLeft > 0) {
                    if (!fromHandler.hasRemaining()) {
                        return true;
                    }
                    int chunk = Math.min(payloadLeft, fromHandler.remaining());
                    int limit = fromHandler.limit();
                    fromHandler.limit(fromHandler.position() + chunk);
                    int written = client.write(fromHandler);
                    fromHandler.limit(limit);
                    payloadLeft -= written;
                    if (written < chunk) {
                        clientBlocked = true;
                        return false;
                    }
                } else if (fromHandler.remaining() >= BridgeFrames.HEADER_BYTES) {
                    int length = fromHandler.getInt();
                    if (length == BridgeFrames.SHUTDOWN_OUTPUT) {
                        client.shutdownOutput();
                    } else if (length < 0 || length > BridgeFrames.MAX_PAYLOAD) {
                        throw new IOException("bad frame length " + length + " from the controlling JVM");
                    } else {
                        payloadLeft = length;
                    }
                } else {
                    return true;
                }
            }
        }
    }
}
