package dev.prefork.bridge.handover;

import java.io.IOException;

/**
 * How a worker takes a client connection and gets it served by the controlling JVM. The worker's loop
 * (turns, scoreboard, limits) is the same for every way; only accepting and passing on differ.
 *
 * @param <C> an accepted connection as this way holds it
 */
public interface Handover<C> {
    /** Accepts the next client, blocking; the caller holds the accept turn. Fails for this attempt only. */
    C accept() throws IOException;

    /** The client's address as the bridge header carries it. */
    String peerOf(C client);

    /**
     * Gets {@code client} served and returns when it is done with. False when the controlling JVM can
     * no longer be reached this way, so the worker should leave.
     */
    boolean pass(C client, String peer, long number);

    /** Closes a client that will not be served (the controlling JVM cannot be reached, say). */
    void drop(C client);

    /**
     * Called on another thread when the worker must leave while its accepting thread may be blocked in
     * {@link #accept}: makes that accept return soon, with the client it may already have taken (which
     * the worker then serves before it leaves) or with an {@code IOException}; it never makes an
     * accepted client vanish. May be called again until the accepting thread has left accept (a wake-up
     * that comes just before the thread enters accept can be lost). False when this way cannot wake
     * it: the worker then leaves after its next client or when its grace period ends.
     */
    boolean wakeAccept();

    /**
     * Closes a client the access rules refuse, after writing {@code line} to it when that is not null.
     * The write never waits: a fresh connection's send buffer is empty, and what does not fit is lost.
     */
    void refuse(C client, byte[] line);

    /**
     * Reads up to {@code length} of the bytes the client sent first into {@code into} at {@code offset},
     * waiting at most {@code millis} (then {@link java.net.SocketTimeoutException}); -1 at end of stream.
     * The worker reads a PROXY protocol header this way, then calls {@link #endTimedReads}.
     */
    int readTimed(C client, byte[] into, int offset, int length, long millis) throws IOException;

    /** Lets reads on {@code client} wait for ever again, as whoever serves it next expects. */
    void endTimedReads(C client) throws IOException;
}
