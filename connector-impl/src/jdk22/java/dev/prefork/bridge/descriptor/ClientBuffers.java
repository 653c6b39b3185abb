package dev.prefork.bridge.descriptor;

import dev.prefork.posix.SocketCalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The native memory one connection uses while its handler runs: I/O buffers and call scratch for the
 * reading side and the writing side, which may be different threads. With one connection per worker a
 * link lends its own to each of its connections in turn (a worker hands over its next client only
 * after the previous one is done); with {@code max_clients} a {@link BufferPool} lends one per connection.
 */
record ClientBuffers(SocketCalls inputCalls, MemorySegment input, SocketCalls outputCalls, MemorySegment output) {
    static final int INPUT_BYTES = 8 * 1024;
    static final int OUTPUT_BYTES = 16 * 1024;

    static ClientBuffers allocate(Arena arena) {
        return new ClientBuffers(new SocketCalls(arena), arena.allocate(INPUT_BYTES),
                new SocketCalls(arena), arena.allocate(OUTPUT_BYTES));
    }
}
