package dev.prefork.process.handoff;

import dev.prefork.process.posix.PosixException;
import dev.prefork.process.posix.SocketCalls;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** The client's bytes, read straight from its socket through a native buffer the worker link lends. */
final class DescriptorInput extends InputStream {
    private final GuardedDescriptor socket;
    private final SocketCalls calls;
    private final MemorySegment buffer;
    private boolean ended;

    DescriptorInput(GuardedDescriptor socket, SocketCalls calls, MemorySegment buffer) {
        this.socket = socket;
        this.calls = calls;
        this.buffer = buffer;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length == 0) {
            return 0;
        }
        if (ended) {
            return -1;
        }
        int fd = socket.acquire();
        int n;
        try {
            n = calls.read(fd, buffer, (int) Math.min(length, buffer.byteSize()));
        } catch (PosixException e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            socket.release();
        }
        if (n == 0) {
            ended = true;
            return -1;
        }
        MemorySegment.copy(buffer, JAVA_BYTE, 0, bytes, offset, n);
        return n;
    }

    @Override
    public void close() {
        // The connection owns the socket; closing the stream early only stops reading.
        ended = true;
    }
}
