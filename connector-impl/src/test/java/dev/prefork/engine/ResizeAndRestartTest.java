package dev.prefork.engine;

import dev.prefork.engine.config.Serialize;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TTIN, TTOU and HUP on real pools: any size from one worker up, and no accept turn lost when the
 * worker holding it leaves because it was asked to.
 */
class ResizeAndRestartTest extends EngineTestSupport {

    /** Waits until the pool has exactly {@code size} workers, every one past start-up and idle. */
    private static boolean awaitIdleWorkers(PreforkEngine engine, int size) throws InterruptedException {
        return Processes.eventually(Duration.ofSeconds(60), () -> {
            try {
                List<WorkerSnapshot> workers = engine.snapshot().workers();
                return workers.size() == size && workers.stream().allMatch(worker -> worker.state().isIdle())
                        && Processes.children(engine.supervisorPid()).size() == size;
            } catch (EngineException e) {
                throw new AssertionError(e);
            }
        });
    }

    /** One connection, answered within a few seconds or failed: a wedged pool must not take 20 s per client. */
    private static String echoSoon(int port, String line) throws IOException {
        try (LineClient client = new LineClient(port)) {
            client.socket().setSoTimeout(5_000);
            return client.roundTrip(line);
        }
    }

    @Test
    void ttinGrowsAPoolPastMaxServersPlusOneAndTtouShrinksItToOne() throws Exception {
        PreforkEngine engine = start(config(1));
        int port = engine.boundPort(0);
        for (int i = 0; i < 3; i++) {
            engine.addWorker();
        }
        assertTrue(awaitIdleWorkers(engine, 4), "three TTINs grew a pool of max_servers 1 to four workers: "
                + engine.snapshot().workers());
        PoolSnapshot grown = engine.snapshot();
        assertEquals(4, grown.workers().stream().map(WorkerSnapshot::slot).distinct().count(), "each in a slot of its own");
        for (int i = 0; i < 4; i++) {
            assertEquals("grown " + i, echoSoon(port, "grown " + i));
        }

        for (int i = 0; i < 4; i++) {
            engine.removeWorker(); // the fourth is refused: a pool keeps one worker
        }
        assertTrue(awaitIdleWorkers(engine, 1), "TTOU shrank it to one worker and no further");
        assertEquals("shrunk", echoSoon(port, "shrunk"));
    }

    @Test
    void aPipePoolKeepsItsAcceptTokenWhenWorkersLeaveOnHupAndTtou() throws Exception {
        PreforkEngine engine = start(config(2).serialize(Serialize.PIPE));
        int port = engine.boundPort(0);
        long supervisor = engine.supervisorPid();
        assertEquals("before", echoSoon(port, "before"));

        // HUP: every worker is asked to leave, among them the one holding the token in accept().
        Set<Long> before = Set.copyOf(Processes.children(supervisor));
        Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(supervisor)).start();
        assertEquals(0, hup.waitFor());
        assertTrue(Processes.eventually(Duration.ofSeconds(60), () -> {
            List<Long> now = Processes.children(supervisor);
            return now.size() == 2 && now.stream().noneMatch(before::contains);
        }), "HUP replaced every worker");
        assertTrue(awaitIdleWorkers(engine, 2));
        for (int i = 0; i < 3; i++) {
            assertEquals("after hup " + i, echoSoon(port, "after hup " + i));
        }

        // TTOU, twice over (each time TTIN refills): the worker let go is idle, and half the time the holder.
        for (int round = 0; round < 2; round++) {
            engine.removeWorker();
            assertTrue(awaitIdleWorkers(engine, 1), "TTOU removed one");
            for (int i = 0; i < 3; i++) {
                assertEquals("after ttou " + round + " " + i, echoSoon(port, "after ttou " + round + " " + i));
            }
            engine.addWorker();
            assertTrue(awaitIdleWorkers(engine, 2), "TTIN added one");
            assertEquals("after ttin " + round, echoSoon(port, "after ttin " + round));
        }
    }
}
