package dev.prefork.supervisor;

import dev.prefork.engine.protocol.LogThrottle;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Says in the log when recycling outpaces worker start-up: a worker held for its successor (see
 * {@link Successors}) reached its max_requests before the successor accepted, so it serves past its limit.
 * No client waits for that, but the operator should know: the workers then serve more than max_requests,
 * and the cure is a larger max_requests (or more processors). A busy pool can do this every few seconds,
 * so the line comes at most once per {@link #LINE_INTERVAL_MILLIS}, first at once, each with the count since
 * the last line and since the start. Time is the arbiter's clock (given to the throttle), so tests set it.
 */
final class OutpacedRecycling {
    static final long LINE_INTERVAL_MILLIS = 30_000;

    private final LogThrottle lines = new LogThrottle(LINE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    private long total;

    /**
     * A held worker of the port {@code port} was seen at or past its {@code maxRequests} at {@code now}, while a
     * start takes {@code startupMillis} and the port's {@code workers} serve {@code rate} connections a second.
     * Returns the line to log now, or null when one was logged less than an interval ago (it is counted).
     */
    String heldPastLimit(String port, long now, long startupMillis, double rate, int workers, int maxRequests) {
        total++;
        long nowNanos = TimeUnit.MILLISECONDS.toNanos(now);
        long sinceLastLine = lines.sinceLastLineNanos(nowNanos);
        long heldBack = lines.admit(nowNanos);
        if (heldBack < 0) {
            return null;
        }
        long seen = heldBack + 1;
        String lasts = rate > 0
                ? String.format(Locale.ROOT, "%.1f s", maxRequests / (rate / Math.max(1, workers)))
                : "less";
        return "recycling outpaces worker start-up on " + port + ": " + seen + " worker" + (seen == 1 ? "" : "s")
                + (sinceLastLine >= 0 ? " in the last " + TimeUnit.NANOSECONDS.toSeconds(sinceLastLine) + " s" : "")
                + " (" + total + " since the start)"
                + (seen == 1 ? " reached max_requests before its successor accepted and serves on until it does"
                        : " reached max_requests before their successors accepted and serve on until they do")
                + ": a start takes ~" + startupMillis + " ms, while at "
                + String.format(Locale.ROOT, "%.1f", rate) + " connections/s over " + workers + " workers max_requests "
                + maxRequests + " lasts " + lasts + "; a larger max_requests lets the pool replace workers as fast as they leave";
    }

    /** Held workers seen past their max_requests since the start. */
    long total() {
        return total;
    }
}
