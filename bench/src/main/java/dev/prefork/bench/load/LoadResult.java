package dev.prefork.bench.load;

import org.HdrHistogram.Histogram;

import java.util.EnumMap;
import java.util.Map;

/** What one load run achieved: latencies in microseconds, from connect (or send) to the full reply. */
public record LoadResult(long successes, Map<ErrorKind, Long> errors, long elapsedNanos, Histogram latencyMicros) {

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    public double requestsPerSecond() {
        return elapsedNanos == 0 ? 0 : successes * 1e9 / elapsedNanos;
    }

    public long percentileMicros(double percentile) {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile);
    }

    public long maxMicros() {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getMaxValue();
    }

    /** Errors as "kind=n,kind=n", or "none". */
    public String errorSummary() {
        StringBuilder text = new StringBuilder();
        new EnumMap<>(errors).forEach((kind, n) -> {
            if (n > 0) {
                text.append(text.isEmpty() ? "" : ",").append(kind.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(n);
            }
        });
        return text.isEmpty() ? "none" : text.toString();
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%d ok, errors %s, %.0f req/s, p50 %d µs, p90 %d µs, p99 %d µs, max %d µs",
                successes, errorSummary(), requestsPerSecond(), percentileMicros(50), percentileMicros(90),
                percentileMicros(99), maxMicros());
    }
}
