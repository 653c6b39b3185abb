package dev.prefork.bench.load;

/** How a client uses connections. */
public enum Mode {
    /** A new connection per request: connect, send a line, read it back, close. */
    CONN,
    /** One connection per client for every request: request/response in a loop. */
    KEEPALIVE,
    /** Like CONN, but the client waits {@code hold} after sending before it reads: a slow client. */
    HOLD,
    /**
     * Connects and sends nothing, keeping the connection until the server closes it or the run ends, then
     * connects again: an idle client (issue 10's 200 silent connections). Only as background load.
     */
    SILENT;

    public static Mode parse(String text) {
        return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
    }

    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
