package dev.prefork.engine;

import dev.prefork.engine.config.Handoff;
import dev.prefork.engine.config.Serialize;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Workers told to quit while clients keep connecting (TTOU, HUP) never lose a client: a worker asked to
 * leave while it is in accept() serves whatever accept gave it, then leaves. Each quit lands at a random
 * instant of a worker's accept loop; the race it hunts (a client accepted microseconds before the worker
 * halted, or accepted and then dropped because the worker was quitting) reset about one client in a few
 * hundred quits before the fix. {@code -Dprefork.test.quitRounds=N} runs more rounds (default 1 in the build, to keep it
 * under a minute; 6 rounds found 14 resets in 144 quits before the fix, 0 after).
 */
class QuitUnderLoadTest extends EngineTestSupport {
    private static final int ROUNDS = Integer.getInteger("prefork.test.quitRounds", 1);
    private static final int CLIENTS = 3;

    /**
     * Every serialize mode once and both handoffs four times in the build: each serialize mode with the
     * other handoff (its accept path and its wake-up differ by handoff). {@code -Dprefork.test.quitMatrix=full}
     * runs all eight pairs (about twice as long).
     */
    static Stream<Arguments> modes() {
        boolean full = "full".equals(System.getProperty("prefork.test.quitMatrix"));
        List<Arguments> modes = new ArrayList<>();
        Serialize[] serializes = Serialize.values();
        for (int i = 0; i < serializes.length; i++) {
            for (Handoff handoff : new Handoff[] {Handoff.DESCRIPTOR, Handoff.RELAY}) {
                if (full || (i % 2 == 0) == (handoff == Handoff.DESCRIPTOR)) {
                    modes.add(Arguments.of(serializes[i], handoff));
                }
            }
        }
        return modes.stream();
    }

    @ParameterizedTest(name = "serialize {0}, handoff {1}")
    @MethodSource("modes")
    void workersToldToQuitUnderLoadLoseNoClient(Serialize serialize, Handoff handoff) throws Exception {
        PreforkEngine engine = start(config(2).serialize(serialize).handoff(handoff));
        int port = engine.boundPort(0);
        long supervisor = engine.supervisorPid();

        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        int quits = 0;
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                loops.add(clients.submit(() -> {
                    for (int i = 0; loading.get(); i++) {
                        String line = "client " + client + " request " + i;
                        String answer;
                        try (LineClient connection = new LineClient(port)) {
                            connection.socket().setSoTimeout(10_000);
                            answer = connection.roundTrip(line);
                        } catch (IOException e) {
                            answer = e.toString();
                        }
                        if (line.equals(answer)) {
                            answered.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            firstFailure.compareAndSet(null, line + " got " + answer);
                        }
                    }
                    return null;
                }));
            }
            for (int round = 0; round < ROUNDS; round++) {
                // TTOU lets the newest idle worker go: in accept(), or waiting for its turn to.
                engine.removeWorker();
                quits++;
                assertTrue(awaitWorkers(engine, supervisor, 1), "TTOU removed a worker");
                engine.addWorker();
                assertTrue(awaitWorkers(engine, supervisor, 2), "TTIN added one");
                // HUP: both are replaced, each told to quit whatever it is doing once a new one is ready.
                List<Long> before = Processes.children(supervisor);
                assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(supervisor)).start().waitFor());
                quits += 2;
                assertTrue(Processes.eventually(Duration.ofSeconds(60),
                        () -> Processes.children(supervisor).stream().noneMatch(before::contains)), "HUP replaced both");
                assertTrue(awaitWorkers(engine, supervisor, 2), "two new workers ready");
            }
            loading.set(false);
            for (Future<?> loop : loops) {
                loop.get(60, TimeUnit.SECONDS);
            }
        } finally {
            loading.set(false);
            clients.shutdownNow();
        }
        System.out.printf("quit under load, serialize %s, handoff %s: %d quits, %d answered, %d failed%n",
                serialize, handoff, quits, answered.get(), failed.get());
        assertEquals(0, failed.get(), "clients failed while " + quits + " workers quit (" + answered.get()
                + " answered); the first: " + firstFailure.get());
        assertTrue(answered.get() > 0, "the clients were served");
    }

    /**
     * max_requests recycling under the same load: a worker that served its last client leaves between
     * connections by itself (not in accept, holding none), so no client may fail. Issue 9 item 8's soak
     * (24 timeouts in 84,000 requests with max_requests 200) suspected this path; it passed before the
     * quit fix too (10 recycles, 1,200 clients, 0 failed per handoff), as that path never halts a worker
     * in accept().
     */
    @ParameterizedTest(name = "handoff {0}")
    @EnumSource(value = Handoff.class, names = {"DESCRIPTOR", "RELAY"})
    void workersRecycledByMaxRequestsUnderLoadLoseNoClient(Handoff handoff) throws Exception {
        PreforkEngine engine = start(config(2).handoff(handoff).maxRequests(100).set("max_requests_jitter", "20"));
        int port = engine.boundPort(0);
        int failed = 0;
        int answered = 0;
        String firstFailure = null;
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<int[]>> loops = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                loops.add(clients.submit(() -> {
                    int[] counts = new int[2];
                    for (int i = 0; i < 400; i++) {
                        String line = "client " + client + " request " + i;
                        try (LineClient connection = new LineClient(port)) {
                            connection.socket().setSoTimeout(10_000);
                            counts[line.equals(connection.roundTrip(line)) ? 0 : 1]++;
                        } catch (IOException e) {
                            counts[1]++;
                            System.out.println("max_requests recycling, handoff " + handoff + ": " + line + " got " + e);
                        }
                    }
                    return counts;
                }));
            }
            for (Future<int[]> loop : loops) {
                int[] counts = loop.get(120, TimeUnit.SECONDS);
                answered += counts[0];
                failed += counts[1];
            }
        } finally {
            clients.shutdownNow();
        }
        long recycledDuringLoad = engine.snapshot().exited();
        System.out.printf("max_requests recycling, handoff %s: %d workers recycled, %d answered, %d failed%n",
                handoff, recycledDuringLoad, answered, failed);
        assertEquals(0, failed, "clients failed while " + recycledDuringLoad + " workers recycled");
        // Flat out, workers reach max_requests faster than JVMs start; each then serves on until its successor
        // accepts, so the pool recycles at the pace it starts workers: a few times here, not 1200 / 110. When the
        // load ends before the first successor accepts (a slow start, or a fast load), the held workers leave
        // just after it: awaited, not read at one instant.
        assertTrue(Processes.eventually(Duration.ofSeconds(60), () -> exited(engine) >= 1),
                "no worker recycled within 60 s of the load's end (" + exited(engine) + " exited)");
    }

    /**
     * The other half of the rule: a worker idle in accept() is woken when told to quit and leaves at once,
     * rather than after its next client or at the end of graceful_shutdown_timeout (30 s here); so TTOU
     * takes effect and an idle pool stops in a moment, whichever worker holds the turn.
     */
    @ParameterizedTest(name = "serialize {0}, handoff {1}")
    @MethodSource("modes")
    void idleWorkersInAcceptLeavePromptlyWhenToldTo(Serialize serialize, Handoff handoff) throws Exception {
        PreforkEngine engine = start(config(2).serialize(serialize).handoff(handoff).gracefulShutdownTimeout(30));
        long supervisor = engine.supervisorPid();
        assertEquals("before", LineClient.echoOnce(engine.boundPort(0), "before"));
        assertTrue(awaitWorkers(engine, supervisor, 2));
        long started = System.nanoTime();
        engine.removeWorker();
        assertTrue(Processes.eventually(Duration.ofSeconds(20), () -> Processes.children(supervisor).size() == 1),
                "TTOU let an idle worker go");
        long ttouMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        started = System.nanoTime();
        engine.stop();
        long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.printf("idle quit, serialize %s, handoff %s: TTOU %d ms, stop %d ms%n", serialize, handoff,
                ttouMillis, stopMillis);
        assertTrue(ttouMillis < 10_000, "TTOU took " + ttouMillis + " ms");
        assertTrue(stopMillis < 10_000, "stopping an idle pool took " + stopMillis + " ms");
        assertTrue(!Processes.alive(supervisor), "the supervisor is gone");
    }

    /** How many workers have left the pool so far. */
    private static long exited(PreforkEngine engine) {
        try {
            return engine.snapshot().exited();
        } catch (EngineException e) {
            throw new AssertionError(e);
        }
    }

    /** Waits until the pool has exactly {@code size} workers, each past start-up. */
    private static boolean awaitWorkers(PreforkEngine engine, long supervisor, int size) throws InterruptedException {
        return Processes.eventually(Duration.ofSeconds(60), () -> {
            try {
                List<WorkerSnapshot> workers = engine.snapshot().workers();
                return workers.size() == size && workers.stream().noneMatch(w -> w.state() == WorkerState.STARTING)
                        && Processes.children(supervisor).size() == size;
            } catch (EngineException e) {
                throw new AssertionError(e);
            }
        });
    }
}
