package dev.prefork.engine.protocol;

import java.util.concurrent.TimeUnit;

/**
 * Lets one log line through per interval for an event that can repeat without bound (bad input from a
 * peer, a failing accept), and counts the ones held back, so that a flood costs a few lines, not one
 * per occurrence, and the lines still say how many there were.
 */
public final class LogThrottle {
    private final long intervalNanos;
    private long lastLineNanos;
    private boolean anyLine;
    private long heldBack;

    public LogThrottle(long interval, TimeUnit unit) {
        this.intervalNanos = unit.toNanos(interval);
    }

    /**
     * Records one occurrence now. Returns -1 when it must not be logged, else how many occurrences were held
     * back since the last line (to be said in this one).
     */
    public long admit() {
        return admit(System.nanoTime());
    }

    /**
     * {@link #admit()} at {@code nowNanos} on the caller's own clock (any origin, as {@link System#nanoTime}),
     * for a caller that keeps time itself, such as the supervisor's arbiter, whose tests set the time.
     */
    public synchronized long admit(long nowNanos) {
        if (anyLine && nowNanos - lastLineNanos < intervalNanos) {
            heldBack++;
            return -1;
        }
        anyLine = true;
        lastLineNanos = nowNanos;
        long said = heldBack;
        heldBack = 0;
        return said;
    }

    /** How long before {@code nowNanos} (on the clock given to {@link #admit(long)}) the last line was let through; -1 before the first. */
    public synchronized long sinceLastLineNanos(long nowNanos) {
        return anyLine ? nowNanos - lastLineNanos : -1;
    }

    /** Logs {@code line} as a warning on {@code log}, with the count held back before it, unless it is held back. */
    public void warning(ProcessLog log, String line) {
        String said = line(line);
        if (said != null) {
            log.warning(said);
        }
    }

    /** {@code line}, with the count held back before it, or null when this occurrence is held back. */
    public String line(String line) {
        long held = admit();
        if (held < 0) {
            return null;
        }
        return held == 0 ? line : line + " (and " + held + " more like it since the last such line)";
    }
}
