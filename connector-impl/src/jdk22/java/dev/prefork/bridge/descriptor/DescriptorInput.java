package dev.prefork.bridge.descriptor;

import dev.prefork.bridge.ClientInput;
import dev.prefork.posix.PosixException;
import dev.prefork.posix.SocketCalls;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** The client's bytes, read straight from its socket through a native buffer the worker link lends. */
final class DescriptorInput extends ClientInput {
    private final GuardedDescriptor socket;
    private final SocketCalls calls;
    private final MemorySegment buffer;

    DescriptorInput(GuardedDescriptor socket, SocketCalls calls, MemorySegment buffer) {
        this.socket = socket;
        this.calls = calls;
        this.buffer = buffer;
    }

    @Override
    protected int readSome(byte[] bytes, int offset, int length) throws IOException {
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
            return -1;
        }
        MemorySegment.copy(buffer, JAVA_BYTE, 0, bytes, offset, n);
        return n;
    }
}
