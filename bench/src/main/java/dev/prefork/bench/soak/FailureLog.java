package dev.prefork.bench.soak;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every failed request with its instant, client and kind, so that failures can be laid beside the pool's
 * log (worker exits, replacements) by time. Bounded: past {@link #KEPT} entries only the counts grow.
 */
final class FailureLog {
    static final int KEPT = 10_000;

    record Failure(Instant at, int client, String mode, String what) {
        String kind() {
            int colon = what.indexOf(':');
            return mode + " " + (colon < 0 ? what : what.substring(0, colon));
        }
    }

    private final List<Failure> kept = new ArrayList<>();
    private final Map<String, Long> countsByKind = new TreeMap<>();

    synchronized void record(int client, String mode, String what) {
        Failure failure = new Failure(Instant.now(), client, mode, what);
        countsByKind.merge(failure.kind(), 1L, Long::sum);
        if (kept.size() < KEPT) {
            kept.add(failure);
        }
    }

    synchronized List<Failure> kept() {
        return List.copyOf(kept);
    }

    synchronized Map<String, Long> countsByKind() {
        return new TreeMap<>(countsByKind);
    }

    synchronized long total() {
        return countsByKind.values().stream().mapToLong(Long::longValue).sum();
    }
}
