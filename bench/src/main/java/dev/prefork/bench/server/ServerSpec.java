package dev.prefork.bench.server;

/**
 * How to configure a pool for one measurement.
 *
 * @param maxServers  worker processes (ignored by the single-process reference)
 * @param maxRequests connections per worker before it is replaced; 0 is unlimited
 */
public record ServerSpec(int port, int maxServers, int maxRequests) {

    public ServerSpec withPort(int p) {
        return new ServerSpec(p, maxServers, maxRequests);
    }
}
