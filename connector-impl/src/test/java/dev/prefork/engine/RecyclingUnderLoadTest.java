package dev.prefork.engine;

import dev.prefork.engine.config.EngineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9 fault 8, recycling must never fail a request: a pool whose workers reach max_requests faster than
 * their replacements start (as JVMs do on a loaded machine) keeps a worker accepting throughout, because each
 * worker's successor is spawned before it reaches max_requests and the worker serves on past it until the
 * successor accepts.
 *
 * <p>Every worker's start is held for {@link #START_HELD_MILLIS} with the JVM's own
 * {@code -XX:+PauseAtStartup} (the JVM waits while its pause file exists; {@link StartHolder} deletes it
 * that long after it appears; the pool's first workers start unheld), longer than the clients wait for an
 * answer and than a worker's two connections last. Before successors were spawned ahead, the two workers of a
 * generation left within a connection or two of each other and the pool had no worker accepting until a
 * replacement was through its held start; with successors ahead but no hold, the workers still left ~2 s into
 * their successors' 4-s start: either way a client timed out in every generation.
 */
class RecyclingUnderLoadTest extends EngineTestSupport {
    private static final long START_HELD_MILLIS = 4_000;
    private static final int READ_TIMEOUT_MILLIS = 2_000;
    private static final int CLIENTS = 2;
    /** Each client's pace: the pool serves 2 connections a second, a worker's two connections last 2 s. */
    private static final long CLIENT_PERIOD_MILLIS = 1_000;
    private static final int MAX_REQUESTS = 2;
    /** One generation of two: the old code failed six clients in its first (the suite's time is short). */
    private static final int RECYCLED_AT_LEAST = 2;

    @TempDir
    Path dir;

    @Test
    void aPoolRecyclingFasterThanItsWorkersStartFailsNoClient() throws Exception {
        Path pauseFile = dir.resolve("worker-start-held");
        try (StartHolder holder = new StartHolder(pauseFile)) {
            PreforkEngine engine = start(config(2).maxRequests(MAX_REQUESTS).set("max_requests_jitter", "0").maxStarting(4)
                    .set("worker_cds", "false") // no archive of these odd options left in the per-user cache
                    .set("worker_jvm_options", EngineConfig.DEFAULT_WORKER_JVM_OPTIONS
                            + " -XX:+UnlockDiagnosticVMOptions -XX:+PauseAtStartup -XX:PauseAtStartupFile=" + pauseFile));
            holder.holdFor(START_HELD_MILLIS); // the pool is up: from now on every start is slow
            int port = engine.boundPort(0);
            ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
            AtomicLong answered = new AtomicLong();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                Thread thread = new Thread(() -> {
                    long next = System.nanoTime();
                    for (int i = 0; running.get(); i++) {
                        String line = "client " + client + " connection " + i;
                        long started = System.nanoTime();
                        try (LineClient connection = new LineClient(port)) {
                            connection.socket().setSoTimeout(READ_TIMEOUT_MILLIS);
                            String echoed = connection.roundTrip(line);
                            if (line.equals(echoed)) {
                                answered.incrementAndGet();
                            } else {
                                failed.add(line + ": answered " + echoed);
                            }
                        } catch (IOException e) {
                            failed.add(line + ": " + e + " after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
                        }
                        next += TimeUnit.MILLISECONDS.toNanos(CLIENT_PERIOD_MILLIS);
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            try {
                                TimeUnit.NANOSECONDS.sleep(wait); // the client's pace, not a wait for an event
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }
                }, "recycling-client-" + c);
                thread.setDaemon(true);
                clients.add(thread);
                thread.start();
            }
            long exitedBefore = engine.snapshot().exited();
            boolean recycled;
            try {
                recycled = Processes.eventually(Duration.ofSeconds(120),
                        () -> snapshotOf(engine).exited() - exitedBefore >= RECYCLED_AT_LEAST || failed.size() > 3);
            } finally {
                running.set(false);
                for (Thread client : clients) {
                    client.join(TimeUnit.SECONDS.toMillis(10));
                }
            }
            PoolSnapshot snapshot = engine.snapshot();
            System.out.printf("recycling with starts held %d ms: %d workers recycled, %d answered, %d failed, %d starts held%n",
                    START_HELD_MILLIS, snapshot.exited() - exitedBefore, answered.get(), failed.size(), holder.held());
            assertTrue(failed.isEmpty(), failed.size() + " clients failed while " + (snapshot.exited() - exitedBefore)
                    + " workers recycled (" + answered.get() + " answered): " + failed);
            assertTrue(recycled, "at least " + RECYCLED_AT_LEAST + " workers recycled: " + snapshot.summary());
            assertTrue(holder.held() > 0, "the starts were held");
            assertTrue(engine.status().number("held_past_max_requests") > 0,
                    "recycling outpaced start-up, and workers served on for their successors: " + engine.status());
        }
    }

    /**
     * Holds worker JVMs at start-up: deletes the pause file {@code heldMillis} after it appears (a JVM with
     * {@code -XX:+PauseAtStartup} creates it and waits while it exists; JVMs that start meanwhile wait for the
     * same deletion). Watches the directory for the file; a scheduler deletes it.
     */
    private static final class StartHolder implements AutoCloseable {
        private final Path file;
        private volatile long heldMillis;
        private final WatchService watcher;
        private final ScheduledExecutorService deleter = Executors.newSingleThreadScheduledExecutor();
        private final Thread watching;
        private final AtomicLong held = new AtomicLong();

        StartHolder(Path file) throws IOException {
            this.file = file;
            this.watcher = file.getFileSystem().newWatchService();
            file.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
            this.watching = new Thread(this::watch, "start-holder");
            watching.setDaemon(true);
            watching.start();
        }

        private void watch() {
            try {
                while (true) {
                    WatchKey key = watcher.take();
                    boolean created = key.pollEvents().stream().anyMatch(event -> file.getFileName().equals(event.context()));
                    key.reset();
                    if (created) {
                        long millis = heldMillis;
                        if (millis > 0) {
                            held.incrementAndGet();
                        }
                        deleter.schedule(this::release, millis, TimeUnit.MILLISECONDS);
                    }
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                // closed: the test is over
            }
        }

        private void release() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** Starts from now on are held {@code millis} (until then, not at all). */
        void holdFor(long millis) {
            heldMillis = millis;
        }

        /** How many times the pause file appeared while starts were held (JVMs starting together share one). */
        long held() {
            return held.get();
        }

        @Override
        public void close() throws IOException {
            watcher.close();
            deleter.shutdownNow();
            release(); // a JVM still waiting goes on (and is stopped with its pool)
        }
    }
}
