package dev.prefork.bridge;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import dev.prefork.api.PreforkConnection;

/**
 * A connection as its bridge sees it: the handler's view plus the ways it can end, including the one way
 * a connection is turned away ({@link #refuse}).
 */
public interface ServedConnection extends PreforkConnection {
    /** What a refused client reads first on its one line with the default {@code busy_message}. */
    String BUSY_PREFIX = "busy: ";

    /**
     * Turns the client away instead of serving it: it reads one line, {@code busy_message} with the reason
     * in it (by default {@code busy: <reason>, try again later}), and the connection ends when its bridge
     * finishes it. Every refusal (no thread, no endpoint instance, the endpoint stopping) goes through
     * here, so a client is never dropped without a word.
     */
    default void refuse(String reason) {
        try {
            OutputStream out = getOutputStream();
            out.write(busyMessage().line(reason).getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            // The client is gone already; there is nobody left to tell.
        }
    }

    /** The pool's {@code busy_message}, which {@link #refuse} writes. */
    BusyMessage busyMessage();

    /** Sets what {@link #refuse} writes: the pool's {@code busy_message}, before a handler sees the connection. */
    void useBusyMessage(BusyMessage message);

    /** After the handler returned: flushes what it left buffered and closes the client's side. */
    void finish();

    /** Closes the connection at once; safe to call from another thread while the handler runs. */
    void abort();

    /**
     * Whether a read has waited for the client longer than this connection's idle timeout at
     * {@code now} ({@code System.nanoTime()}); if so that read is marked to fail with
     * {@link java.net.SocketTimeoutException} once the caller cuts the connection off.
     */
    default boolean readTimedOut(long now) {
        return false;
    }
}
