package dev.prefork.bridge.descriptor;

import dev.prefork.posix.PosixException;
import dev.prefork.posix.SocketCalls;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The handler's bytes for the client, gathered in a native buffer the worker link lends (bounded; a
 * full buffer is sent) and sent on flush. A send blocks while the client does not read, so such a
 * client stops its handler instead of filling memory.
 */
final class DescriptorOutput extends OutputStream {
    private final GuardedDescriptor socket;
    private final SocketCalls calls;
    private final MemorySegment buffer;
    private int buffered;
    private boolean shutdown;

    DescriptorOutput(GuardedDescriptor socket, SocketCalls calls, MemorySegment buffer) {
        this.socket = socket;
        this.calls = calls;
        this.buffer = buffer;
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (buffered == buffer.byteSize()) {
            flush();
        }
        buffer.set(JAVA_BYTE, buffered++, (byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        ensureOpen();
        while (length > 0) {
            if (buffered == buffer.byteSize()) {
                flush();
            }
            int chunk = (int) Math.min(length, buffer.byteSize() - buffered);
            MemorySegment.copy(bytes, offset, buffer, JAVA_BYTE, buffered, chunk);
            buffered += chunk;
            offset += chunk;
            length -= chunk;
        }
    }

    @Override
    public void flush() throws IOException {
        if (buffered == 0) {
            return;
        }
        int fd = socket.acquire();
        try {
            int sent = 0;
            while (sent < buffered) {
                sent += calls.send(fd, buffer, sent, buffered - sent);
            }
        } catch (PosixException e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            buffered = 0;
            socket.release();
        }
    }

    /** Flushes, then half-closes the client's socket: it reads end of stream, and may still send. */
    void shutdownOutput() throws IOException {
        if (shutdown) {
            return;
        }
        flush();
        shutdown = true;
        int fd = socket.acquire();
        try {
            calls.shutdown(fd, SocketCalls.SHUT_WR);
        } catch (PosixException e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            socket.release();
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
