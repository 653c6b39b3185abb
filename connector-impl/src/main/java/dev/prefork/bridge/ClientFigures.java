package dev.prefork.bridge;

/**
 * The clients of one pool as its bridge in the controlling JVM sees them, for the status port (the
 * workers hand their clients over at once with {@code max_clients}, so the scoreboard alone would show
 * them idle while their clients are served here).
 *
 * @param maxClients       the limit now ({@code max_clients}; 0: one client per worker)
 * @param inService        connections whose handler runs now
 * @param waitingFirstByte connections waiting for their client's first bytes ({@code deliver_on first_byte})
 * @param waitingSlot      connections a worker handed over while {@code max_clients} were here, waiting for a slot
 * @param firstByteTimeouts connections closed unserved after {@code first_byte_timeout}, since the start
 * @param refusedMaxWait   connections that read the busy line after {@code max_wait}, since the start
 * @param refusedNoThread  connections that read the busy line because no thread took them, since the start
 */
public record ClientFigures(long maxClients, long inService, long waitingFirstByte, long waitingSlot, long firstByteTimeouts,
                            long refusedMaxWait, long refusedNoThread) {
    /** Nothing yet (a bridge that keeps no such figures, or before the first publication). */
    public static final ClientFigures NONE = new ClientFigures(0, 0, 0, 0, 0, 0, 0);
}
