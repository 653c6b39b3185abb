package dev.prefork.bridge.relay;

import dev.prefork.bridge.BridgeFrames;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The handler's bytes for the client, buffered (at most {@link BridgeFrames#MAX_PAYLOAD} bytes) and
 * written to the bridge channel as frames; see {@link BridgeFrames}. A write blocks while the worker
 * is not reading, so a client that does not read stops the handler instead of filling memory.
 */
final class FramedOutput extends OutputStream {
    private final SocketChannel channel;
    private static final int FIRST_CAPACITY = 1024;

    /**
     * Frame header space followed by the payload gathered so far. It starts small and doubles up to
     * {@link BridgeFrames#MAX_PAYLOAD} only for handlers that write that much between flushes: a
     * 16 KiB buffer per connection was the controlling JVM's top allocation in profiles.
     */
    private ByteBuffer frame = ByteBuffer.allocate(BridgeFrames.HEADER_BYTES + FIRST_CAPACITY);
    private boolean shutdown;

    FramedOutput(SocketChannel channel) {
        this.channel = channel;
        frame.position(BridgeFrames.HEADER_BYTES);
    }

    /** Makes room for more payload: doubles the buffer while it is below the largest frame, else sends a frame. */
    private void makeRoom() throws IOException {
        int payloadCapacity = frame.capacity() - BridgeFrames.HEADER_BYTES;
        if (payloadCapacity < BridgeFrames.MAX_PAYLOAD) {
            ByteBuffer larger = ByteBuffer.allocate(BridgeFrames.HEADER_BYTES + Math.min(BridgeFrames.MAX_PAYLOAD, payloadCapacity * 2));
            frame.flip();
            larger.put(frame);
            frame = larger;
        } else {
            writeFrame();
        }
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (!frame.hasRemaining()) {
            makeRoom();
        }
        frame.put((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ensureOpen();
        while (length > 0) {
            if (!frame.hasRemaining()) {
                makeRoom();
            }
            int chunk = Math.min(length, frame.remaining());
            frame.put(bytes, offset, chunk);
            offset += chunk;
            length -= chunk;
        }
    }

    @Override
    public void flush() throws IOException {
        if (!shutdown && frame.position() > BridgeFrames.HEADER_BYTES) {
            writeFrame();
        }
    }

    /** Flushes, then tells the worker to half-close the client connection. */
    void shutdownOutput() throws IOException {
        if (shutdown) {
            return;
        }
        flush();
        frame.clear();
        frame.putInt(BridgeFrames.SHUTDOWN_OUTPUT);
        frame.flip();
        writeAll(frame);
        shutdown = true;
    }

    private void writeFrame() throws IOException {
        int payload = frame.position() - BridgeFrames.HEADER_BYTES;
        frame.putInt(0, payload);
        frame.flip();
        writeAll(frame);
        frame.clear();
        frame.position(BridgeFrames.HEADER_BYTES);
    }

    private void writeAll(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private void ensureOpen() throws IOException {
        if (shutdown) {
            throw new IOException("output to the client was shut down");
        }
    }

    @Override
    public void close() throws IOException {
        // Ends nothing by itself: the connection ends when the handler returns.
        flush();
    }
}
