package dev.prefork.engine.bridge;

import dev.prefork.api.PreforkConnection;

/** A connection as its bridge sees it: the handler's view plus the two ways it can end. */
public interface ServedConnection extends PreforkConnection {
    /** After the handler returned: flushes what it left buffered and closes the client's side. */
    void finish();

    /** Closes the connection at once; safe to call from another thread while the handler runs. */
    void abort();
}
