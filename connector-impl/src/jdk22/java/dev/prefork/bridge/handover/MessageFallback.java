package dev.prefork.bridge.handover;

import dev.prefork.bridge.PidfdFrame;
import dev.prefork.posix.PosixException;
import dev.prefork.posix.SocketCalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A {@link PidfdHandover} worker's way out when the controlling JVM could not take a client itself: the
 * socket goes in an {@code SCM_RIGHTS} message on the link (one byte with it). A class of its own, so that
 * the FFM classes it needs are loaded and its calls linked only in a worker that gets here, never at start.
 */
final class MessageFallback {
    private MessageFallback() {
    }

    /** Sends {@code client} on {@code link} (both descriptor numbers of this process). */
    static void send(int link, int client) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment payload = arena.allocate(1);
            new SocketCalls(arena).send(link, payload, ByteBuffer.wrap(new byte[] {PidfdFrame.SEND_IT}), client);
        } catch (PosixException e) {
            throw new IOException("cannot send the client in a message: " + e.getMessage(), e);
        }
    }
}
