package dev.prefork.adapter;

import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link WorkManagerExecutor#executeWithoutWaiting}: the caller (the one first-byte poller thread, say)
 * never waits for a starved WorkManager; the connection is refused later, by the executor's timer.
 */
@Timeout(120)
class WorkManagerExecutorTest {
    /** A WorkManager that queues every Work and runs none until told to: starved. */
    private static WorkManager starved(List<Work> queued) {
        return (WorkManager) Proxy.newProxyInstance(WorkManager.class.getClassLoader(), new Class<?>[] {WorkManager.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("scheduleWork")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    queued.add((Work) args[0]);
                    return null;
                });
    }

    @Test
    void aStarvedWorkManagerNeverHoldsTheCallerAndTheConnectionIsRefusedAfterTheStartTimeout() throws Exception {
        List<Work> queued = new CopyOnWriteArrayList<>();
        try (WorkManagerExecutor executor = new WorkManagerExecutor(starved(queued), true, "starved")) {
            CompletableFuture<String> refused = new CompletableFuture<>();
            boolean[] ran = new boolean[1];
            long called = System.nanoTime();
            executor.executeWithoutWaiting(() -> ran[0] = true, refused::complete);
            long returnedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - called);
            // The blocking execute() would take START_TIMEOUT_MILLIS (2 s) here.
            assertTrue(returnedMillis < WorkManagerExecutor.START_TIMEOUT_MILLIS / 2, "returned after " + returnedMillis + " ms");
            assertFalse(refused.isDone(), "not refused before the start timeout");

            String reason = refused.get(60, TimeUnit.SECONDS);
            long refusedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - called);
            assertTrue(refusedMillis >= WorkManagerExecutor.START_TIMEOUT_MILLIS - 100, "refused after " + refusedMillis + " ms");
            assertTrue(reason.contains("no thread"), reason);

            // A thread that takes the abandoned Work later runs nothing: its client was answered busy.
            queued.get(0).run();
            assertFalse(ran[0], "the abandoned task did not run");

            // Starved just now: the next connection is refused at once, on the caller's thread.
            CompletableFuture<String> next = new CompletableFuture<>();
            executor.executeWithoutWaiting(() -> { }, next::complete);
            assertTrue(next.isDone(), "refused at once while the WorkManager is starved");
        }
    }

    @Test
    void aWorkThatStartsInTimeRunsAndIsNeverRefused() throws Exception {
        List<Work> queued = new CopyOnWriteArrayList<>();
        try (WorkManagerExecutor executor = new WorkManagerExecutor(starved(queued), true, "prompt")) {
            CompletableFuture<String> refused = new CompletableFuture<>();
            CompletableFuture<Boolean> ran = new CompletableFuture<>();
            executor.executeWithoutWaiting(() -> ran.complete(true), refused::complete);
            assertEquals(1, queued.size());
            queued.get(0).run();
            assertTrue(ran.get(10, TimeUnit.SECONDS));
            // Past the start timeout the timer would have refused it, had it not started.
            Thread.sleep(WorkManagerExecutor.START_TIMEOUT_MILLIS + 500); // a negative: nothing to await but time
            assertFalse(refused.isDone(), "a started task is never refused");
        }
    }
}
