package dev.prefork.bridge.descriptor;

import java.lang.foreign.Arena;
import java.util.ArrayDeque;

/**
 * Lends each connection in service its {@link ClientBuffers} and keeps a bounded number of returned ones
 * for the next connections. Buffers are allocated in automatic arenas: ones past what is kept are freed
 * by the garbage collector, without the thread-wide handshake that closing a shared arena costs per
 * connection.
 */
final class BufferPool {
    private final ArrayDeque<ClientBuffers> free = new ArrayDeque<>();
    private final int keep;

    /** Keeps at most {@code keep} returned buffers (about 24 KiB of native memory each). */
    BufferPool(int keep) {
        this.keep = keep;
    }

    ClientBuffers take() {
        synchronized (free) {
            ClientBuffers buffers = free.pollFirst();
            if (buffers != null) {
                return buffers;
            }
        }
        return ClientBuffers.allocate(Arena.ofAuto());
    }

    /** Takes back buffers no thread uses any more. */
    void give(ClientBuffers buffers) {
        synchronized (free) {
            if (free.size() < keep) {
                free.addFirst(buffers);
            }
        }
    }
}
