package dev.prefork.supervisor;

import dev.prefork.engine.protocol.ProcessLog;

/**
 * Warnings about clients of the status and agent ports, at most one every ten seconds with a count of
 * the ones left out, so that a flood of bad clients cannot flood the log too.
 */
final class RateLimitedLog {
    private static final long INTERVAL_NANOS = 10_000_000_000L;

    private final ProcessLog log;
    private long lastNanos = System.nanoTime() - INTERVAL_NANOS;
    private long suppressed;

    RateLimitedLog(ProcessLog log) {
        this.log = log;
    }

    synchronized void warn(String text) {
        long now = System.nanoTime();
        if (now - lastNanos < INTERVAL_NANOS) {
            suppressed++;
            return;
        }
        lastNanos = now;
        log.warning(suppressed == 0 ? text : text + " (and " + suppressed + " similar warnings left out)");
        suppressed = 0;
    }
}
