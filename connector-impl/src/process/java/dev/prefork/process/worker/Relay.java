package dev.prefork.process.worker;

import dev.prefork.engine.protocol.BridgeFrames;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.SynchronousQueue;

/**
 * Moves one client connection's bytes between the client socket and the bridge connection to the
 * controlling JVM, both ways, until the handler there returns.
 *
 * <p>The calling thread carries the handler's frames to the client; one long-lived helper thread
 * carries the client's bytes to the handler. Each direction has one fixed buffer and blocks when its
 * destination does not take more, so a client or a handler that stops reading stops the other side
 * instead of growing a buffer.
 */
final class Relay {
    private static final int BUFFER_SIZE = 64 * 1024;

    private final ByteBuffer toClient = ByteBuffer.allocateDirect(BUFFER_SIZE);
    private final ByteBuffer toHandler = ByteBuffer.allocateDirect(BUFFER_SIZE);
    private final SynchronousQueue<Upstream> upstreamWork = new SynchronousQueue<>();

    Relay() {
        // An anonymous class, not a lambda: a lambda's bootstrap costs a worker generated classes at start-up.
        Thread helper = new Thread(new Runnable() {
            @Override
            public void run() {
                upstreamLoop();
            }
        }, "prefork-relay-upstream");
        helper.setDaemon(true);
        helper.start();
    }

    /** Relays until the handler has returned (or either side failed), then closes both channels. */
    void relay(SocketChannel client, SocketChannel bridge) throws InterruptedException {
        Upstream upstream = new Upstream(client, bridge);
        upstreamWork.put(upstream);
        try {
            downstream(client, bridge);
        } finally {
            // Closing both ends the helper's read of the client or its write to the handler.
            closeQuietly(client);
            closeQuietly(bridge);
            upstream.awaitDone();
        }
    }

    private void upstreamLoop() {
        while (true) {
            Upstream job;
            try {
                job = upstreamWork.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                copyClientToHandler(job.client, job.bridge);
            } finally {
                job.markDone();
            }
        }
    }

    /** Client bytes go to the handler unframed; the client's end of stream becomes the handler's. */
    private void copyClientToHandler(SocketChannel client, SocketChannel bridge) {
        ByteBuffer buffer = toHandler;
        buffer.clear();
        try {
            while (client.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    bridge.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException e) {
            // The client reset, the handler returned, or we closed the client: the handler sees end of stream.
        }
        try {
            bridge.shutdownOutput();
        } catch (IOException ignored) {
            // the handler is gone already
        }
    }

    /** Frames from the handler go to the client; a zero frame half-closes it; end of stream ends the relay. */
    private void downstream(SocketChannel client, SocketChannel bridge) {
        ByteBuffer buffer = toClient;
        buffer.clear();
        int payloadLeft = 0;
        try {
            while (bridge.read(buffer) >= 0) {
                buffer.flip();
                while (true) {
                    if (payloadLeft > 0) {
                        if (!buffer.hasRemaining()) {
                            break;
                        }
                        int chunk = Math.min(payloadLeft, buffer.remaining());
                        int limit = buffer.limit();
                        buffer.limit(buffer.position() + chunk);
                        while (buffer.hasRemaining()) {
                            client.write(buffer);
                        }
                        buffer.limit(limit);
                        payloadLeft -= chunk;
                    } else if (buffer.remaining() >= BridgeFrames.HEADER_BYTES) {
                        int length = buffer.getInt();
                        if (length == BridgeFrames.SHUTDOWN_OUTPUT) {
                            client.shutdownOutput();
                        } else if (length < 0 || length > BridgeFrames.MAX_PAYLOAD) {
                            throw new IOException("bad frame length " + length + " from the controlling JVM");
                        } else {
                            payloadLeft = length;
                        }
                    } else {
                        break;
                    }
                }
                buffer.compact();
            }
        } catch (IOException e) {
            // The client went away or the bridge broke: either way this connection is over.
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** One connection's client-to-handler direction, handed to the helper thread. */
    private static final class Upstream {
        final SocketChannel client;
        final SocketChannel bridge;
        private boolean done;

        Upstream(SocketChannel client, SocketChannel bridge) {
            this.client = client;
            this.bridge = bridge;
        }

        synchronized void markDone() {
            done = true;
            notifyAll();
        }

        synchronized void awaitDone() throws InterruptedException {
            while (!done) {
                wait();
            }
        }
    }
}
