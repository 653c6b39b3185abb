package dev.prefork.bridge.descriptor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * How a {@link HandoffLink} gets its worker's messages and the client sockets they stand for: each
 * message is a bridge header (the link's hello, then one per client); the socket comes with it
 * ({@link MessageIntake}, {@code SCM_RIGHTS}) or is taken from the worker by the number it names
 * ({@link PidfdIntake}, {@code pidfd_getfd}). One per link, used by the link's reading thread only.
 */
interface ClientIntake {
    /**
     * The next message, its bridge header (length prefix included) written to {@code header} from 0; a
     * length of 0 at the link's end. {@code workerPid}: the link's worker as far as known (-1 before its hello), for log lines.
     *
     * @throws IOException when the link cannot go on (a malformed message, a hello deadline passed)
     */
    Incoming next(MemorySegment header, long workerPid) throws IOException;

    /**
     * This JVM's descriptor of the client {@code incoming} stands for, close-on-exec, for {@code workerPid}
     * (for log lines). Called once per incoming that {@link Incoming#hasClient() has a client}, after its
     * header was found valid; either this or {@link #discard} is called for each.
     *
     * @throws IOException when the client cannot be had and the link cannot go on; the client is then
     *                     closed in this JVM (the worker closes its own copy when its link ends)
     */
    int take(Incoming incoming, long workerPid) throws IOException;

    /** Lets go of whatever {@code incoming} holds in this JVM, for a message that will not be served. */
    void discard(Incoming incoming);

    /** Releases what the intake holds for its link (not the link itself); called once, at the link's end. */
    void close();

    /**
     * A message as received: its header's length ({@code 0} at the link's end), and the client it stands
     * for: a descriptor received with it ({@code passed}, ours to close) or a number in the worker
     * ({@code named}); -1 for none.
     */
    record Incoming(int length, int passed, int named) {
        boolean hasClient() {
            return passed >= 0 || named >= 0;
        }
    }
}
