package dev.prefork.engine;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Handoff;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kill -9 of a worker, of the supervisor and of the controlling JVM, and what survives each. */
class FailureTest extends EngineTestSupport {

    private static void kill9(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void anIdleWorkerKilledIsReplaced() throws Exception {
        PreforkEngine engine = start(config(3));
        List<Long> before = Processes.children(engine.supervisorPid());
        long victim = before.get(0);

        kill9(victim);

        assertTrue(Processes.eventually(Duration.ofSeconds(30), () -> {
            List<Long> now = Processes.children(engine.supervisorPid());
            return now.size() == 3 && !now.contains(victim);
        }), "a new worker took the dead one's place");
        assertTrue(engine.awaitAccepting(Duration.ofSeconds(30)));
        assertEquals("still here", LineClient.echoOnce(engine.boundPort(0), "still here"));
    }

    @ParameterizedTest
    @EnumSource(value = Handoff.class, names = {"DESCRIPTOR", "RELAY"})
    void aBusyWorkerKilledCostsAtMostItsOwnConnection(Handoff handoff) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        // A worker busy with its client is one client per worker's (max_clients 0); with max_clients a
        // worker is free again as soon as it has handed its client over.
        PreforkEngine engine = start(config(3).checkForDead(2).handoff(handoff).set(EngineConfig.MAX_CLIENTS, "0"), connection -> {
            for (String line; (line = connection.getReader().readLine()) != null; ) {
                if ("hold".equals(line)) {
                    release.await(60, TimeUnit.SECONDS);
                }
                connection.getWriter().println(line);
            }
        });
        int port = engine.boundPort(0);
        try (LineClient held = new LineClient(port); LineClient other = new LineClient(port)) {
            held.send("hold");
            assertEquals("warm", other.roundTrip("warm"));
            WorkerSnapshot busy = awaitWorkerServing(engine, held.localAddress());

            kill9(busy.pid());

            if (handoff == Handoff.RELAY) {
                assertThrows(IOException.class, () -> {
                    if (held.readLine() == null) {
                        throw new IOException("end of stream");
                    }
                }, "the killed worker's client loses its connection: its bytes went through that worker");
            } else {
                release.countDown();
                assertEquals("hold", held.readLine(), "a passed client lives in this JVM and outlives its worker");
                assertEquals("still served", held.roundTrip("still served"));
            }
            // The other connection, on another worker, is unharmed.
            assertEquals("unharmed", other.roundTrip("unharmed"));
            assertTrue(Processes.eventually(Duration.ofSeconds(2 + 10), () ->
                    Processes.children(engine.supervisorPid()).size() == 3 && !Processes.alive(busy.pid())),
                    "the pool is full again within check_for_dead");
            assertEquals("fresh", LineClient.echoOnce(port, "fresh"));
        } finally {
            release.countDown();
        }
    }

    private static WorkerSnapshot awaitWorkerServing(PreforkEngine engine, String peer) throws Exception {
        return awaitWorker(engine, Duration.ofSeconds(20),
                worker -> worker.state() == WorkerState.PROCESSING && worker.peer().equals(peer),
                "the scoreboard shows a worker serving " + peer);
    }

    /** The first worker the scoreboard shows matching {@code wanted} within {@code timeout}. */
    private static WorkerSnapshot awaitWorker(PreforkEngine engine, Duration timeout, Predicate<WorkerSnapshot> wanted,
                                              String what) throws Exception {
        WorkerSnapshot[] found = new WorkerSnapshot[1];
        assertTrue(Processes.eventually(timeout, () -> {
            try {
                for (WorkerSnapshot worker : engine.snapshot().workers()) {
                    if (wanted.test(worker)) {
                        found[0] = worker;
                        return true;
                    }
                }
                return false;
            } catch (EngineException e) {
                throw new AssertionError(e);
            }
        }), what);
        return found[0];
    }

    @Test
    void workersLeaveWhenTheSupervisorIsKilled() throws Exception {
        PreforkEngine engine = start(config(3));
        List<Long> workers = Processes.children(engine.supervisorPid());
        assertEquals(3, workers.size());

        long supervisor = engine.supervisorPid();
        kill9(supervisor);

        assertTrue(Processes.eventually(Duration.ofSeconds(10), () -> workers.stream().noneMatch(Processes::alive)),
                "every worker exited after its supervisor died");
        assertFalse(Processes.alive(supervisor));
        // The engine starts a new supervisor after its back-off (SupervisorRestartTest): whether it is running
        // at this instant depends on how long the workers took to leave, so only the new pool is checked.
        assertTrue(Processes.eventually(Duration.ofSeconds(60), () -> engine.isRunning() && engine.supervisorPid() != supervisor),
                "a new supervisor replaced the killed one");
        assertTrue(Processes.children(engine.supervisorPid()).stream().noneMatch(workers::contains), "no old worker under it");
    }

    @Test
    void supervisorAndWorkersLeaveWhenTheControllingJvmIsKilled() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process controller = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                ControllingJvm.class.getName()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(controller.getInputStream()));
            List<Long> ours = new ArrayList<>();
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("pids ")) {
                // log lines of the child JVM
            }
            assertTrue(line != null, "the controlling JVM reported its pool");
            for (String pid : line.substring(5).split(" ")) {
                ours.add(Long.parseLong(pid));
            }
            assertEquals(1 + 2, ours.size(), "supervisor and two workers");
            assertTrue(ours.stream().allMatch(Processes::alive));

            controller.destroyForcibly();
            assertTrue(controller.waitFor(10, TimeUnit.SECONDS));

            assertTrue(Processes.eventually(Duration.ofSeconds(15), () -> ours.stream().noneMatch(Processes::alive)),
                    "supervisor and workers exited after the controlling JVM died: " + ours);
        } finally {
            controller.destroyForcibly();
        }
    }

    /** The controlling JVM of the test above: starts a pool, prints its pids, waits to be killed. */
    public static final class ControllingJvm {
        public static void main(String[] args) throws Exception {
            PreforkEngine engine = PreforkEngine.start(config(2).build(), dev.prefork.standalone.BuiltinHandlers.ECHO);
            if (!engine.awaitAccepting(Duration.ofSeconds(60))) {
                System.exit(3);
            }
            StringBuilder pids = new StringBuilder("pids ").append(engine.supervisorPid());
            for (long worker : Processes.children(engine.supervisorPid())) {
                pids.append(' ').append(worker);
            }
            System.out.println(pids);
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }

    @Test
    void theAcceptTokenOfAPipePoolSurvivesTheDeathOfItsHolder() throws Exception {
        PreforkEngine engine = start(config(2).serialize(dev.prefork.engine.config.Serialize.PIPE));
        int port = engine.boundPort(0);
        // Exactly one idle worker holds the token and sits in accept() (once the workers are past start-up); kill that one.
        WorkerSnapshot holder = awaitWorker(engine, Duration.ofSeconds(30),
                worker -> worker.state() == WorkerState.ACCEPTING, "one worker holds the token");
        long holderPid = holder.pid();
        kill9(holderPid);
        assertTrue(Processes.eventually(Duration.ofSeconds(30), () -> {
            List<Long> now = Processes.children(engine.supervisorPid());
            return now.size() == 2 && !now.contains(holderPid);
        }));
        for (int i = 0; i < 10; i++) {
            assertEquals("after " + i, LineClient.echoOnce(port, "after " + i));
        }
    }
}
