package dev.prefork.engine;

import dev.prefork.engine.config.EngineConfig;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The most worker connections (relay headers waiting, descriptor links) the bridge takes at once: every
 * worker the supervisor may have, old and new during a rolling restart, plus a margin; anything past it
 * is not one of ours. It follows the largest size the pool has been given, also live: a bound fixed at
 * the start size refused the links of a pool grown from 1 to 64 workers, whose workers then died before
 * accepting (issue 9, fault 9).
 */
final class LinkBound implements IntSupplier {
    private final int ports;
    /** Workers per port as last asked for. */
    private final AtomicInteger target;
    /** The largest {@link #target} so far: workers of a larger size may still be leaving. */
    private final AtomicInteger largest;

    LinkBound(int workersPerPort, int ports) {
        this.ports = ports;
        this.target = new AtomicInteger(workersPerPort);
        this.largest = new AtomicInteger(workersPerPort);
    }

    void resized(int workersPerPort) {
        int now = Math.max(1, Math.min(EngineConfig.MAX_SERVERS_LIMIT, workersPerPort));
        target.set(now);
        largest.accumulateAndGet(now, Math::max);
    }

    void added(int workersPerPort) {
        resized(target.get() + workersPerPort);
    }

    void removed(int workersPerPort) {
        target.updateAndGet(now -> Math.max(1, now - workersPerPort));
    }

    @Override
    public int getAsInt() {
        return (2 * largest.get() + 2) * ports + 16;
    }
}
