package dev.prefork.bridge;

import java.util.concurrent.TimeUnit;

/**
 * The limits the controlling JVM puts on a connection in service, in nanoseconds (0 turns one off):
 * how long one read may wait for the client ({@code idle_timeout}), how long a handler may run before
 * its connection is cut off and its thread interrupted ({@code request_timeout}), and after how long a
 * running handler is logged with its stack ({@code slow_threshold}).
 */
public record ConnectionTimeouts(long idleNanos, long requestNanos, long slowNanos) {
    public static final ConnectionTimeouts NONE = new ConnectionTimeouts(0, 0, 0);

    public static ConnectionTimeouts ofSeconds(int idle, int request, int slow) {
        return new ConnectionTimeouts(TimeUnit.SECONDS.toNanos(idle), TimeUnit.SECONDS.toNanos(request),
                TimeUnit.SECONDS.toNanos(slow));
    }

    /**
     * How often to look: a tenth of the shortest limit, between 50 and 250 ms (250 ms when none is set,
     * for the timeouts handlers set on their own connections), so a limit fires at most a quarter of a
     * second late and the watch, a scan of at most one entry per worker, costs nothing measurable.
     */
    public long checkIntervalMillis() {
        long shortest = Long.MAX_VALUE;
        for (long limit : new long[] {idleNanos, requestNanos, slowNanos}) {
            if (limit > 0) {
                shortest = Math.min(shortest, limit);
            }
        }
        return shortest == Long.MAX_VALUE ? 250 : Math.max(50, Math.min(250, TimeUnit.NANOSECONDS.toMillis(shortest) / 10));
    }
}
