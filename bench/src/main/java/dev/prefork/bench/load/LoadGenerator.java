package dev.prefork.bench.load;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Runs {@link LoadSpec#clients()} client loops at once and merges what they saw. */
public final class LoadGenerator {

    private LoadGenerator() {
    }

    public static LoadResult run(LoadSpec spec) throws InterruptedException {
        return run(spec, () -> false);
    }

    /**
     * Runs until the spec's duration has passed or {@code stop} says so, whichever comes first (a request
     * in flight is finished either way).
     */
    public static LoadResult run(LoadSpec spec, BooleanSupplier stop) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + spec.duration().toNanos();
        List<ClientLoop> loops = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < spec.clients(); i++) {
            ClientLoop loop = new ClientLoop(spec, deadline, stop);
            loops.add(loop);
            Thread thread = new Thread(loop, "bench-client-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        // A request in flight at the deadline may take up to one I/O timeout (twice: connect, read) plus a hold.
        long joinBy = deadline + TimeUnit.MILLISECONDS.toNanos(2 * spec.ioTimeout().toMillis() + spec.hold().toMillis() + 1000);
        for (Thread thread : threads) {
            long left = TimeUnit.NANOSECONDS.toMillis(joinBy - System.nanoTime());
            thread.join(Math.max(1, left));
        }
        long elapsed = System.nanoTime() - start;
        Histogram merged = new Histogram(ClientLoop.HIGHEST_MICROS, 3);
        Map<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);
        long successes = 0;
        for (int i = 0; i < loops.size(); i++) {
            if (threads.get(i).isAlive()) {
                // Stuck past every timeout: count it and leave the daemon thread behind.
                errors.merge(ErrorKind.OTHER, 1L, Long::sum);
                continue;
            }
            ClientLoop loop = loops.get(i);
            merged.add(loop.latency);
            loop.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
            successes += loop.successes;
        }
        return new LoadResult(successes, errors, elapsed, merged);
    }

    /** Runs {@code warmup} and discards it, then the measured run. */
    public static LoadResult runWithWarmup(LoadSpec spec, Duration warmup) throws InterruptedException {
        if (!warmup.isZero()) {
            run(spec.withDuration(warmup));
        }
        return run(spec);
    }
}
