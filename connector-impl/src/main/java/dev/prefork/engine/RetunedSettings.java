package dev.prefork.engine;

import dev.prefork.engine.config.EngineConfig;

/**
 * What a running pool was told since it started (a new size, new limits, drained), kept so that a
 * supervisor started after the previous one died carries on with them instead of the settings the
 * pool started with: a crash must not undo what an operator retuned.
 */
final class RetunedSettings {
    private EngineConfig current;
    private boolean drained;

    RetunedSettings(EngineConfig startedWith) {
        this.current = startedWith;
    }

    /** The settings a successor supervisor starts with. */
    synchronized EngineConfig current() {
        return current;
    }

    /** Whether a successor must be told to drain at once. */
    synchronized boolean drained() {
        return drained;
    }

    synchronized void workersPerPort(int workers) {
        current = current.toBuilder().maxServers(workers).build();
    }

    /** Adds {@code delta} (negative: removes) workers per port, clamped as the supervisor clamps it. */
    synchronized void addWorkersPerPort(int delta) {
        workersPerPort(Math.max(1, Math.min(EngineConfig.MAX_SERVERS_LIMIT, current.maxServers() + delta)));
    }

    synchronized void limits(EngineConfig withNewLimits) {
        current = current.toBuilder().maxRequests(withNewLimits.maxRequests())
                .set(EngineConfig.MAX_REQUESTS_JITTER, Integer.toString(withNewLimits.maxRequestsJitter()))
                .gracefulShutdownTimeout(withNewLimits.gracefulShutdownTimeout()).build();
    }

    synchronized void drained(boolean drained) {
        this.drained = drained;
    }
}
