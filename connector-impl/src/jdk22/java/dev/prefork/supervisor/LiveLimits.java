package dev.prefork.supervisor;

import dev.prefork.engine.config.EngineConfig;

/**
 * The worker limits an operator can change while the pool runs (the controlling JVM's {@code limits}
 * command): each new worker takes them when it is spawned, the arbiter reads the grace period when it
 * stops workers. Workers already running keep the limits they were started with.
 */
final class LiveLimits {
    private volatile int maxRequests;
    private volatile int maxRequestsJitter;
    private volatile int gracefulShutdownTimeout;

    LiveLimits(EngineConfig config) {
        this.maxRequests = config.maxRequests();
        this.maxRequestsJitter = config.maxRequestsJitter();
        this.gracefulShutdownTimeout = config.gracefulShutdownTimeout();
    }

    int maxRequests() {
        return maxRequests;
    }

    int maxRequestsJitter() {
        return maxRequestsJitter;
    }

    int gracefulShutdownTimeout() {
        return gracefulShutdownTimeout;
    }

    /**
     * The connections the next worker serves: max_requests plus its share of jitter; 0 (unlimited) stays
     * unlimited. Drawn by the arbiter, which keeps it to see the worker's end coming (see {@link Successors}).
     */
    int maxRequestsOfNextWorker() {
        int requests = maxRequests;
        int jitter = maxRequestsJitter;
        if (requests == 0 || jitter == 0) {
            return requests;
        }
        return requests + java.util.concurrent.ThreadLocalRandom.current().nextInt(jitter + 1);
    }

    /** Validated by the controlling JVM with EngineConfig's own rules; checked again here. */
    void set(int maxRequests, int maxRequestsJitter, int gracefulShutdownTimeout) {
        if (maxRequests < 0 || maxRequestsJitter < 0 || gracefulShutdownTimeout < 0 || gracefulShutdownTimeout > 3_600
                || (long) maxRequests + maxRequestsJitter > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("limits out of range: " + maxRequests + " " + maxRequestsJitter + " "
                    + gracefulShutdownTimeout);
        }
        this.maxRequests = maxRequests;
        this.maxRequestsJitter = maxRequestsJitter;
        this.gracefulShutdownTimeout = gracefulShutdownTimeout;
    }
}
