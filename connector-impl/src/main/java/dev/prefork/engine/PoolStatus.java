package dev.prefork.engine;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures the supervisor's status port shows, as read by {@link PreforkEngine#status()}: settings as
 * they are now, saturation (busy and idle workers, the listen queue, the peaks) and workers replaced by
 * reason. The per-worker table is {@link PreforkEngine#snapshot()}'s.
 */
public final class PoolStatus {
    /** The reasons a worker leaves, in the order the status port lists them. */
    public static final String[] REPLACEMENT_REASONS = {"max_requests", "restart", "removed", "stop", "crash", "killed", "timeout",
            "stuck", "boot_timeout"};

    private final Map<String, String> fields;

    public PoolStatus(Map<String, String> fields) {
        this.fields = Map.copyOf(fields);
    }

    public String text(String key) {
        String value = fields.get(key);
        if (value == null) {
            throw new IllegalStateException("the supervisor's status has no " + key + ": " + fields.keySet());
        }
        return value;
    }

    public long number(String key) {
        return Long.parseLong(text(key));
    }

    public Instant startedAt() {
        return Instant.ofEpochMilli(number("started"));
    }

    /** {@code serving}, {@code draining} or {@code stopping}. */
    public String phase() {
        return text("phase");
    }

    /** Workers that left the pool since it started, by reason ({@link #REPLACEMENT_REASONS}). */
    public Map<String, Long> replacedWorkers() {
        Map<String, Long> replaced = new LinkedHashMap<>();
        for (String reason : REPLACEMENT_REASONS) {
            replaced.put(reason, number("replaced_" + reason));
        }
        return replaced;
    }

    /** One character per scoreboard slot (mod_status's letters), ports separated by a space. */
    public String scoreboard() {
        return text("scoreboard").replace('|', ' ');
    }

    @Override
    public String toString() {
        return "PoolStatus" + fields;
    }
}
