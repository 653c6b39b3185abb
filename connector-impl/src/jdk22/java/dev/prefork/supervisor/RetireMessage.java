package dev.prefork.supervisor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Asks a worker over its link to retire: to leave after the connection it serves or is about to take,
 * unlike "quit" (the pool stops), which an idle worker obeys at once. Used when the pool shrinks,
 * drains or restarts under load: a worker blocked in accept() may already hold a client the kernel
 * handed it, and quitting at once would reset that client.
 */
final class RetireMessage {
    private static final byte[] RETIRE = "retire\n".getBytes(StandardCharsets.US_ASCII);

    private RetireMessage() {
    }

    /** False when the link is already gone. */
    static boolean send(SocketChannel link) {
        try {
            link.write(ByteBuffer.wrap(RETIRE));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
