package dev.prefork.bridge.descriptor;

import dev.prefork.posix.SocketCalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The native memory the connections of one worker link use, one connection after another (a worker
 * hands over its next client only after the previous one is done): I/O buffers and call scratch for
 * the reading side and the writing side, which may be different threads.
 */
record LinkBuffers(SocketCalls inputCalls, MemorySegment input, SocketCalls outputCalls, MemorySegment output) {
    static final int INPUT_BYTES = 8 * 1024;
    static final int OUTPUT_BYTES = 16 * 1024;

    static LinkBuffers allocate(Arena arena) {
        return new LinkBuffers(new SocketCalls(arena), arena.allocate(INPUT_BYTES),
                new SocketCalls(arena), arena.allocate(OUTPUT_BYTES));
    }
}
