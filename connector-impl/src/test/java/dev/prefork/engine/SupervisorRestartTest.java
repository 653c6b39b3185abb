package dev.prefork.engine;

import dev.prefork.engine.config.Handoff;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9, fault 5: {@code kill -9} of the supervisor. The controlling JVM starts a new one on the same
 * port and bridge, and the pool's snapshot counts the restart.
 */
class SupervisorRestartTest extends EngineTestSupport {

    @ParameterizedTest
    @EnumSource(value = Handoff.class, names = {"DESCRIPTOR", "RELAY"})
    void aKilledSupervisorIsReplacedOnTheSamePort(Handoff handoff) throws Exception {
        PreforkEngine engine = start(config(2).handoff(handoff));
        int port = engine.boundPort(0);
        long first = engine.supervisorPid();
        assertEquals(0, engine.snapshot().supervisorRestarts());

        ProcessHandle.of(first).ifPresent(ProcessHandle::destroyForcibly);

        assertTrue(Processes.eventually(Duration.ofSeconds(60), () -> engine.supervisorPid() != first && engine.isRunning()),
                "a new supervisor runs");
        assertTrue(engine.awaitAccepting(Duration.ofSeconds(60)), "its workers reached their accept loop");
        assertEquals("again", LineClient.echoOnce(port, "again"), "served on the port the first supervisor bound");
        PoolSnapshot snapshot = engine.snapshot();
        assertEquals(1, snapshot.supervisorRestarts());
        assertEquals(engine.supervisorPid(), snapshot.supervisorPid());
        assertEquals(2, snapshot.workers().size());
        assertNull(engine.failure());
    }

    @org.junit.jupiter.api.Test
    void aSupervisorThatKeepsDyingIsGivenUpAndTheEndpointReportedFailed() throws Exception {
        PreforkEngine engine = start(config(1));
        for (int death = 1; death <= SupervisorKeeper.CRASH_LOOP_DEATHS; death++) {
            long victim = engine.supervisorPid();
            ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
            if (death < SupervisorKeeper.CRASH_LOOP_DEATHS) {
                // Back-off 1, 2, 4, 8 s: the whole loop stays well within a minute.
                assertTrue(Processes.eventually(Duration.ofSeconds(60), () -> engine.supervisorPid() != victim && engine.isRunning()),
                        "restart " + death);
            }
        }
        assertTrue(Processes.eventually(Duration.ofSeconds(10), () -> engine.failure() != null), "the endpoint is reported failed");
        assertTrue(engine.failure().contains("not restarting"), engine.failure());
        assertTrue(!engine.isRunning());
        EngineException down = org.junit.jupiter.api.Assertions.assertThrows(EngineException.class, engine::snapshot);
        assertTrue(down.getMessage().contains("died " + SupervisorKeeper.CRASH_LOOP_DEATHS + " times"), down.getMessage());
    }

    @org.junit.jupiter.api.Test
    void aReplacedSupervisorKeepsWhatWasRetunedNotWhatThePoolStartedWith() throws Exception {
        PreforkEngine engine = start(config(2));
        int port = engine.boundPort(0);
        engine.resize(3);
        engine.setLimits(1, 0, 10); // max_requests 1: every connection retires its worker
        long first = engine.supervisorPid();

        ProcessHandle.of(first).ifPresent(ProcessHandle::destroyForcibly);

        assertTrue(Processes.eventually(Duration.ofSeconds(60), () -> engine.supervisorPid() != first && engine.isRunning()),
                "a new supervisor runs");
        assertTrue(Processes.eventually(Duration.ofSeconds(60), () -> snapshotOf(engine).workers().size() == 3),
                "the successor keeps 3 workers, the size set while the first one ran, not the 2 the pool started with");
        assertEquals(3, engine.snapshot().target());
        for (int i = 0; i < 3; i++) {
            assertEquals("again " + i, LineClient.echoOnce(port, "again " + i));
        }
        assertTrue(Processes.eventually(Duration.ofSeconds(60), () -> snapshotOf(engine).exited() >= 3),
                "max_requests 1, set while the first supervisor ran, retires the successor's workers too");
    }
}
