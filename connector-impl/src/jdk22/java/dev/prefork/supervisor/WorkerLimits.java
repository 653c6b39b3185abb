package dev.prefork.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code max_worker_rss} and {@code max_worker_age}: which workers to retire. A retired worker is
 * replaced new-first and leaves after its current connection, as in a rolling restart. Our workers run
 * only the engine's code (the handlers run in the controlling JVM), so this guards against a leak of
 * the engine's own or the JDK's, and lets an operator bound a worker's life for any reason of theirs.
 */
final class WorkerLimits {
    /**
     * How often the limits are looked at: one small /proc read per worker (about 20 µs each, so 2% of
     * a core for 1,024 workers at most), and soon enough that a limit is not overshot by much.
     */
    static final long CHECK_INTERVAL_MILLIS = 2_000;

    private final long maxRssBytes;
    private final long maxAgeMillis;

    WorkerLimits(int maxRssMegabytes, int maxAgeSeconds) {
        this.maxRssBytes = maxRssMegabytes * 1024L * 1024L;
        this.maxAgeMillis = TimeUnit.SECONDS.toMillis(maxAgeSeconds);
    }

    /** Whether any limit is set. */
    boolean active() {
        return maxRssBytes > 0 || maxAgeMillis > 0;
    }

    /** Why {@code child} is over a limit at {@code wallNow} ({@code currentTimeMillis}), or null when it is not. */
    Reason exceeded(Child child, long wallNow) {
        if (maxAgeMillis > 0 && wallNow - child.spawnedMillis >= maxAgeMillis) {
            return Reason.AGE;
        }
        if (maxRssBytes > 0) {
            long rss = residentBytes(child.pid);
            if (rss > maxRssBytes) {
                return Reason.RSS;
            }
        }
        return null;
    }

    /** A retirement's cause, as the pool's figures count it. */
    enum Reason {
        RSS("its resident memory is over max_worker_rss"),
        AGE("it is older than max_worker_age");

        final String why;

        Reason(String why) {
            this.why = why;
        }
    }

    /** The process's resident set size from /proc, or 0 when it is gone. */
    static long residentBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    String[] words = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(words[0]) * 1024L; // always in kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // The worker exited meanwhile; its exit is handled where it is reaped.
        }
        return 0;
    }
}
