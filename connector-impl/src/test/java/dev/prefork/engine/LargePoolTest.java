package dev.prefork.engine;

import dev.prefork.standalone.BuiltinHandlers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9, fault 7: {@code max_servers 1024} on two cores started every JVM at once (load average 204,
 * never ready in 60 s) and its stop left workers and the private directory behind. Start-up is now paced
 * by {@code max_starting}, the first workers serve while the others start, and stop leaves nothing. At a
 * size a test run affords (48 workers by default, twelve times max_starting; {@code -Dprefork.test.largePool=N} for another).
 */
class LargePoolTest extends EngineTestSupport {
    private static final int WORKERS = Integer.getInteger("prefork.test.largePool", 48);
    private static final int MAX_STARTING = 4;

    @Test
    @Timeout(600)
    void aLargePoolStartsPacedServesFromItsFirstWorkersAndStopsLeavingNothing() throws Exception {
        long began = System.nanoTime();
        PreforkEngine engine = PreforkEngine.start(config(WORKERS).maxStarting(MAX_STARTING).gracefulShutdownTimeout(5).build(),
                BuiltinHandlers.ECHO);
        Set<Long> workers = new HashSet<>();
        long supervisor = engine.supervisorPid();
        Path runtime;
        long mostStarting = 0;
        long firstAnswerMillis = -1;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(480);
            while (engine.acceptingWorkers() < WORKERS && System.nanoTime() < deadline) {
                PoolSnapshot snapshot = engine.snapshot();
                long starting = snapshot.count(WorkerState.STARTING);
                mostStarting = Math.max(mostStarting, starting);
                snapshot.workers().forEach(worker -> workers.add(worker.pid()));
                if (firstAnswerMillis < 0 && starting > 0 && engine.acceptingWorkers() > 0) {
                    assertEquals("first", LineClient.echoOnce(engine.boundPort(0), "first"), "served while others start");
                    firstAnswerMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
                }
                TimeUnit.MILLISECONDS.sleep(50); // sampling the pool: there is no event per spawn to await
            }
            long readyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
            assertEquals(WORKERS, engine.acceptingWorkers(), "every worker became ready");
            workers.addAll(Processes.children(supervisor));
            runtime = runtimeDirectoryOf(engine);
            System.out.printf("large pool of %d, max_starting %d: first answer after %d ms, all ready after %d ms,"
                    + " at most %d starting at once%n", WORKERS, MAX_STARTING, firstAnswerMillis, readyMillis, mostStarting);
        } finally {
            long stopping = System.nanoTime();
            engine.stop();
            System.out.printf("large pool of %d stopped in %d ms%n", WORKERS,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping));
        }
        assertTrue(mostStarting > 0 && mostStarting <= MAX_STARTING, "at most max_starting starting at once: " + mostStarting);
        assertTrue(firstAnswerMillis > 0, "a client was answered while workers were still starting");
        assertFalse(Processes.alive(supervisor));
        assertTrue(Processes.eventually(Duration.ofSeconds(10), () -> workers.stream().noneMatch(Processes::alive)),
                "no worker outlives stop");
        assertEquals(0, ProcessHandle.current().descendants().count(), "nothing left under this JVM");
        assertFalse(Files.exists(runtime), "the private directory is removed");
    }
}
