package dev.prefork.bench.load;

import java.time.Duration;

/**
 * One load run: {@code clients} concurrent clients against host:port for {@code duration}. Every run is
 * bounded twice: by time, and by {@code maxRequestsPerClient}.
 *
 * @param rstClose close with RST (SO_LINGER 0) instead of FIN, so that the client's ports do not pile up
 *                 in TIME_WAIT and cap the rate (measured: ~14k conn/s for every server)
 * @param hold     for {@link Mode#HOLD}: how long a client keeps its connection before reading
 * @param prefix   bytes every new connection sends before its first request, as a balancer's PROXY
 *                 header; empty for none
 */
public record LoadSpec(String host, int port, Mode mode, int clients, Duration duration, boolean rstClose,
                       Duration hold, long maxRequestsPerClient, Duration ioTimeout, byte[] prefix) {

    public LoadSpec(String host, int port, Mode mode, int clients, Duration duration, boolean rstClose,
                    Duration hold, long maxRequestsPerClient, Duration ioTimeout) {
        this(host, port, mode, clients, duration, rstClose, hold, maxRequestsPerClient, ioTimeout, new byte[0]);
    }

    public static final long DEFAULT_MAX_REQUESTS_PER_CLIENT = 5_000_000;

    public LoadSpec {
        if (clients < 1 || clients > 1024) {
            throw new IllegalArgumentException("clients must be 1..1024: " + clients);
        }
        if (duration.isNegative() || duration.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("duration must be 0..10 min: " + duration);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port);
        }
    }

    public static LoadSpec of(int port, Mode mode, int clients, Duration duration, boolean rstClose) {
        return new LoadSpec("127.0.0.1", port, mode, clients, duration, rstClose, Duration.ofMillis(100),
                DEFAULT_MAX_REQUESTS_PER_CLIENT, Duration.ofSeconds(5));
    }

    public LoadSpec withDuration(Duration d) {
        return new LoadSpec(host, port, mode, clients, d, rstClose, hold, maxRequestsPerClient, ioTimeout, prefix);
    }

    public LoadSpec withHold(Duration h) {
        return new LoadSpec(host, port, mode, clients, duration, rstClose, h, maxRequestsPerClient, ioTimeout, prefix);
    }

    public LoadSpec withPort(int p) {
        return new LoadSpec(host, p, mode, clients, duration, rstClose, hold, maxRequestsPerClient, ioTimeout, prefix);
    }

    /** The same load with {@code bytes} sent first on every new connection. */
    public LoadSpec withPrefix(byte[] bytes) {
        return new LoadSpec(host, port, mode, clients, duration, rstClose, hold, maxRequestsPerClient, ioTimeout, bytes.clone());
    }
}
