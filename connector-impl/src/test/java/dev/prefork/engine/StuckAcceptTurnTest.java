package dev.prefork.engine;

import dev.prefork.engine.config.Handoff;
import dev.prefork.engine.config.Serialize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9, fault 4: {@code kill -STOP} of the worker that holds the accept turn stopped every new
 * connection for as long as it stayed stopped, without a log line. The supervisor now notices the
 * holder that takes no connection while clients wait (3 s), logs it and kills it; the kernel releases
 * its lock and the pool serves again. Without serialization a stopped worker holds nobody up.
 */
class StuckAcceptTurnTest extends EngineTestSupport {
    /** Detection takes 3 to 4 s; the rest is for a loaded machine (the worker must be reaped and replaced). */
    private static final long KILLED_WITHIN_SECONDS = 20;

    @ParameterizedTest(name = "serialize {0}, handoff {1}")
    @CsvSource({"FLOCK, DESCRIPTOR", "SEMAPHORE, RELAY", "PIPE, DESCRIPTOR"})
    void aStoppedTurnHolderIsKilledAndThePoolServesAgain(Serialize serialize, Handoff handoff) throws Exception {
        PreforkEngine engine = start(config(2).serialize(serialize).handoff(handoff).gracefulShutdownTimeout(2));
        try (ProcessLogLines log = new ProcessLogLines()) {
            long holder = stopTheTurnHolder(engine);
            try (SteadyLoad load = new SteadyLoad(engine.boundPort(0), 2)) {
                assertTrue(Processes.eventually(Duration.ofSeconds(KILLED_WITHIN_SECONDS), () -> !Processes.alive(holder)),
                        "the stopped holder " + holder + " was killed");
                String line = log.await("worker " + holder + " holds the accept turn", 10);
                assertNotNull(line, "a line names the holder: " + log.containing("worker"));
                assertTrue(line.contains("accepting since") && line.contains("serialize " + serialize.key()), line);

                long before = load.answered();
                load.awaitAnswers(20, 60);
                assertTrue(load.answered() >= before + 20, "clients are served again");
                List<String> failures = load.stop();
                // The holder was idle: every client that waited for it was served once it was gone.
                assertEquals(List.of(), failures);
            }
            assertTrue(engine.awaitAccepting(Duration.ofSeconds(60)), "the killed worker was replaced");
            assertEquals(1, engine.status().replacedWorkers().get("stuck"), engine.status().toString());
        }
    }

    @Test
    void withoutSerializationAStoppedWorkerIsLeftAloneAndTheOthersServe() throws Exception {
        PreforkEngine engine = start(config(2).serialize(Serialize.NONE).gracefulShutdownTimeout(2));
        long stopped = stopTheTurnHolder(engine);
        try (ProcessLogLines log = new ProcessLogLines(); SteadyLoad load = new SteadyLoad(engine.boundPort(0), 2)) {
            // Longer than the watch needs to kill a holder (3 to 4 s), measured in served connections.
            load.awaitAnswers(200, 60);
            TimeUnit.SECONDS.sleep(5); // nothing to await: the test is that nothing happens
            assertTrue(Processes.alive(stopped), "the stopped worker was not killed");
            assertTrue(log.containing("holds the accept turn").isEmpty(), log.containing("holds").toString());
            assertEquals(List.of(), load.stop());
            assertEquals(0, engine.status().replacedWorkers().get("stuck"));
        } finally {
            signal("CONT", stopped);
        }
    }

    /** Stops (SIGSTOP) a worker that the scoreboard says is in accept() with the turn; returns its pid. */
    private static long stopTheTurnHolder(PreforkEngine engine) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            long holder = accepting(engine);
            if (holder > 0) {
                signal("STOP", holder);
                // Only once every thread has stopped can no client slip into its accept() (see Processes.stopped).
                assertTrue(Processes.eventually(Duration.ofSeconds(10), () -> Processes.stopped(holder)),
                        "worker " + holder + " stopped on SIGSTOP");
                if (accepting(engine) == holder) {
                    return holder; // still the holder once stopped: no connection came in between
                }
                signal("CONT", holder);
            }
            TimeUnit.MILLISECONDS.sleep(20); // a worker between two states; there is no event to await
        }
        throw new AssertionError("no worker was seen accepting: " + engine.snapshot().summary());
    }

    /** The pid of a worker whose scoreboard says accepting, or 0. */
    private static long accepting(PreforkEngine engine) throws Exception {
        return engine.snapshot().workers().stream()
                .filter(worker -> worker.state() == WorkerState.ACCEPTING)
                .mapToLong(WorkerSnapshot::pid).findFirst().orElse(0);
    }

    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true).start();
        kill.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
        assertFalse(kill.isAlive());
    }
}
