package dev.prefork.supervisor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The lines the supervisor sends a worker over its link besides "quit" (the pool stops):
 * <ul>
 * <li>{@code retire}, when the pool shrinks, drains or restarts. The worker treats it as "quit": either way
 *     it never loses a client it accepted (see the worker's WorkerControl); the two are kept apart so that
 *     the worker's log says why it left.</li>
 * <li>{@code hold}, when its successor is spawned ahead (see {@link Successors}): at max_requests it serves
 *     on instead of leaving, so that its pool is never short while the successor starts.</li>
 * <li>{@code release}, once the successor accepts (or the hold lasted its bound): it leaves at max_requests,
 *     or at once if it is past it.</li>
 * </ul>
 */
final class WorkerMessages {
    private static final byte[] RETIRE = "retire\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HOLD = "hold\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RELEASE = "release\n".getBytes(StandardCharsets.US_ASCII);

    private WorkerMessages() {
    }

    /** False when the link is already gone. */
    static boolean retire(SocketChannel link) {
        return send(link, RETIRE);
    }

    /** False when the link is already gone (the worker is leaving anyway). */
    static boolean hold(SocketChannel link) {
        return send(link, HOLD);
    }

    /** False when the link is already gone (the worker is leaving anyway). */
    static boolean release(SocketChannel link) {
        return send(link, RELEASE);
    }

    private static boolean send(SocketChannel link, byte[] line) {
        try {
            link.write(ByteBuffer.wrap(line));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
