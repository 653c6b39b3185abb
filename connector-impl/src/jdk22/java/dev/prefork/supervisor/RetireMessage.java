package dev.prefork.supervisor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Asks a worker over its link to retire, when the pool shrinks, drains or restarts. The worker treats
 * it as "quit" (the pool stops): either way it never loses a client it accepted (see the worker's
 * WorkerControl); the two messages are kept apart so that the worker's log says why it left.
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
