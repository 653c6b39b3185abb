package dev.prefork.engine;

import dev.prefork.engine.config.EngineConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** max_worker_rss and max_worker_age retire workers under load, new ones first, without failing a client. */
class RetirementTest extends EngineTestSupport {

    @ParameterizedTest
    @CsvSource({"max_worker_age, 2", "max_worker_rss, 1"})
    void workersOverALimitAreReplacedWithoutFailingAConnection(String key, String value) throws Exception {
        // Both first workers start together: with an age limit shorter than a worker's start (a loaded
        // machine), a pool whose first worker started alone (the default) would retire each before the
        // next is up and never have both accepting at once, which start() waits for.
        PreforkEngine engine = start(config(2).maxStarting(2).set(key, value));
        int port = engine.boundPort(0);
        Set<Long> firstWorkers = new HashSet<>();
        engine.snapshot().workers().forEach(w -> firstWorkers.add(w.pid()));

        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            Future<?>[] loops = new Future<?>[2];
            for (int c = 0; c < 2; c++) {
                int client = c;
                loops[c] = clients.submit(() -> {
                    for (int i = 0; loading.get(); i++) {
                        String line = "client " + client + " request " + i;
                        assertEquals(line, LineClient.echoOnce(port, line));
                        answered.incrementAndGet();
                    }
                    return null;
                });
            }
            // Limits are looked at every 2 s; wait (bounded) until both first workers were retired.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            PoolSnapshot snapshot = engine.snapshot();
            while (System.nanoTime() < deadline && (retired(snapshot, key) < 2
                    || snapshot.workers().stream().anyMatch(w -> firstWorkers.contains(w.pid())))) {
                Thread.sleep(200);
                snapshot = engine.snapshot();
            }
            loading.set(false);
            for (Future<?> loop : loops) {
                loop.get(60, TimeUnit.SECONDS); // rethrows a failed or wrong answer
            }
            assertTrue(retired(snapshot, key) >= 2, "retired by " + key + ": " + snapshot.summary());
            assertTrue(snapshot.workers().stream().noneMatch(w -> firstWorkers.contains(w.pid())),
                    "the first workers are gone: " + snapshot.workers());
            assertTrue(answered.get() > 0);
        } finally {
            loading.set(false);
            clients.shutdownNow();
        }
    }

    private static long retired(PoolSnapshot snapshot, String key) {
        return key.equals(EngineConfig.MAX_WORKER_RSS) ? snapshot.retiredForRss() : snapshot.retiredForAge();
    }
}
