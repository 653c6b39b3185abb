package dev.prefork.bridge;

/**
 * How the descriptor bridge admits the clients the workers hand over ({@code max_clients},
 * {@code deliver_on}, {@code first_byte_timeout}, {@code max_wait}).
 *
 * @param maxClients             connections in service or waiting for their first bytes in this JVM at
 *                               once; 0 keeps one connection per worker (the worker waits until the
 *                               handler returns, Net::Server's model)
 * @param firstByte              whether a connection reaches the handler only once the client sent something
 * @param firstByteTimeoutMillis how long a connection may wait for that; 0 for ever
 * @param maxWaitMillis          how long a connection may wait in this JVM for a free slot while
 *                               {@code maxClients} are here before it reads the busy line; 0 for ever
 */
public record ClientLimits(int maxClients, boolean firstByte, long firstByteTimeoutMillis, long maxWaitMillis) {
    /** One connection per worker, delivered at once: the model before {@code max_clients}. */
    public static final ClientLimits PER_WORKER = new ClientLimits(0, false, 0, 0);

    /** Whether a worker is freed as soon as its client is taken (rather than when the handler returns). */
    public boolean decoupled() {
        return maxClients > 0;
    }
}
