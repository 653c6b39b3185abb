package dev.prefork.supervisor;

import dev.prefork.engine.WorkerState;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.PortSpec;
import dev.prefork.engine.protocol.ProcessLog;
import dev.prefork.engine.protocol.Scoreboard;
import dev.prefork.engine.protocol.SupervisorProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The supervisor's policy, decided by {@link Arbiter} from events and time, tested with
 * {@link FakeWorkers} instead of processes: each test drives the loop one {@link Arbiter#step} at a
 * time and moves the clock itself.
 */
@Timeout(value = 5, unit = TimeUnit.SECONDS)
class ArbiterTest {
    private static final int EXIT_0 = 0;
    private static final int EXIT_1 = 1 << 8;
    private static final int KILLED = 9;

    @TempDir
    Path dir;

    private final FakeWorkers workers = new FakeWorkers();
    private final ByteArrayOutputStream reportBytes = new ByteArrayOutputStream();
    private final List<Pool> pools = new ArrayList<>();
    private final List<CountingTurn> turns = new ArrayList<>();
    private Scoreboard scoreboard;
    private Arbiter arbiter;

    /** What the pool's workers take turns on, counting the tokens the arbiter puts back. */
    private static final class CountingTurn extends AcceptLockResource {
        int tokensPutBack;

        @Override
        String workerArgument() {
            return "";
        }

        @Override
        void holderDied() {
            tokensPutBack++;
        }

        @Override
        public void close() {
        }
    }

    /** Every missing worker spawned at once (max_starting at its limit): most tests count spawns per step. */
    private static EngineConfig.Builder config(int maxServers) {
        return EngineConfig.builder().ports("127.0.0.1:0").maxServers(maxServers).name("arbitertest")
                .set(EngineConfig.MAX_STARTING, Integer.toString(EngineConfig.MAX_SERVERS_LIMIT));
    }

    /** An arbiter over {@code ports} pools of real (unused) listening sockets and a real scoreboard. */
    private Arbiter start(EngineConfig.Builder builder, int ports) throws IOException {
        EngineConfig config = builder.build();
        int slotsPerPool = Pool.SLOTS;
        scoreboard = Scoreboard.create(dir.resolve("scoreboard"), slotsPerPool * ports);
        for (int i = 0; i < ports; i++) {
            CountingTurn turn = new CountingTurn();
            turns.add(turn);
            ListeningSocket socket = ListeningSocket.open(PortSpec.parse("127.0.0.1:0", "127.0.0.1"), 8);
            pools.add(new Pool(i, socket, turn, config.maxServers(), i * slotsPerPool, slotsPerPool));
        }
        workers.limits = new LiveLimits(config);
        ProcessLog log = new ProcessLog("supervisor", "arbitertest");
        arbiter = new Arbiter(config, new ArrayBlockingQueue<>(1), pools, scoreboard, workers,
                new PrintStream(reportBytes, true, StandardCharsets.UTF_8), log,
                StatusPorts.open(config, workers.limits, scoreboard, pools, log));
        return arbiter;
    }

    private Arbiter start(EngineConfig.Builder builder) throws IOException {
        return start(builder, 1);
    }

    /**
     * Links the socket calls once for the class, so that no single test pays for it: the pools below
     * own real listening sockets (never connected to), as the supervisor's do.
     */
    @BeforeAll
    static void linkTheSocketCalls() throws IOException {
        ListeningSocket.open(PortSpec.parse("127.0.0.1:0", "127.0.0.1"), 1).close();
    }

    @AfterEach
    void closeEverything() throws IOException {
        workers.closeLinks();
        pools.forEach(Pool::close);
        if (scoreboard != null) {
            scoreboard.close();
        }
    }

    private boolean step() {
        return arbiter.step(null);
    }

    /** The worker says hello: it reached its accept loop (its scoreboard slot says it waits for its turn). */
    private void hello(long pid) throws IOException {
        Scoreboard.Slot slot = scoreboard.slot(workers.spawned.get(pid));
        slot.start(pid, 0, System.currentTimeMillis());
        slot.state(WorkerState.WAITING);
        arbiter.step(new Event.WorkerHello(pid, workers.newLink()));
    }

    private void helloAll() throws IOException {
        for (long pid : workers.pids()) {
            hello(pid);
        }
    }

    private boolean exit(long pid, int status) {
        return arbiter.step(new Event.ChildExited(pid, status));
    }

    private void state(long pid, WorkerState state) {
        scoreboard.slot(workers.spawned.get(pid)).state(state);
    }

    private String reports() {
        return reportBytes.toString(StandardCharsets.UTF_8);
    }

    private String lastPoolReport() {
        String last = "";
        for (String line : reports().split("\n")) {
            if (line.startsWith(SupervisorProtocol.POOL + " ")) {
                last = line;
            }
        }
        return last;
    }

    @Test
    void keepsMaxServersWorkersPerPortEachInASlotOfItsPool() throws IOException {
        start(config(3), 2);
        step();
        assertEquals(6, workers.spawned.size());
        for (Pool pool : pools) {
            Set<Integer> slots = new HashSet<>();
            for (int slot : workers.spawned.values()) {
                if (slot >= pool.firstSlot && slot < pool.firstSlot + pool.slotCount) {
                    slots.add(slot);
                }
            }
            assertEquals(3, slots.size(), "three workers in distinct slots of pool " + pool.index);
        }
        assertEquals(SupervisorProtocol.POOL + " 0 6", lastPoolReport(), "none ready yet, six wanted");

        helloAll();
        step();
        step();
        assertEquals(6, workers.spawned.size(), "a full pool spawns no more");
        assertEquals(SupervisorProtocol.POOL + " 6 6", lastPoolReport());
        assertTrue(workers.quit.isEmpty() && workers.killed.isEmpty());
    }

    @Test
    void startsAtMostMaxStartingWorkersAtOnceAndTheNextWhenOneSaysHelloOrDies() throws IOException {
        start(config(5).set(EngineConfig.MAX_STARTING, "2"));
        step();
        step();
        assertEquals(2, workers.spawned.size(), "two starting at once, however often the loop turns");
        List<Long> first = workers.pids();
        hello(first.get(0));
        assertEquals(3, workers.spawned.size(), "a hello lets the next one start");
        assertFalse(exit(first.get(1), EXIT_1), "a worker that dies starting frees its place too");
        assertEquals(4, workers.spawned.size(), "its replacement and no more");
        for (int next = 2; next < 6; next++) {
            hello(workers.pids().get(next)); // each hello makes room for one more until the pool is whole
        }
        step();
        assertEquals(6, workers.spawned.size(), "five live workers and the one that died");
        assertEquals(SupervisorProtocol.POOL + " 5 5", lastPoolReport());
    }

    @Test
    void replacesAWorkerThatExitsInTheSlotItFreed() throws IOException {
        start(config(2));
        step();
        helloAll();
        long leaving = workers.pids().get(0);
        int slot = workers.spawned.get(leaving);

        exit(leaving, EXIT_0);

        assertEquals(3, workers.spawned.size(), "one replacement");
        long replacement = workers.pids().get(2);
        assertEquals(slot, workers.spawned.get(replacement), "in the slot the old worker left");
        assertEquals(List.of(leaving), workers.exited);
        assertEquals(null, scoreboard.read(slot), "the old worker's record was cleared");
        assertFalse(exit(replacement, KILLED), "a worker killed by a signal is replaced as well");
        assertEquals(4, workers.spawned.size());
    }

    @Test
    void backsOffWhenWorkersKeepDyingBeforeTheyAccept() throws IOException {
        start(config(1));
        step();
        hello(workers.pids().get(0)); // one worker has shown that workers can start
        exit(workers.pids().get(0), EXIT_0);

        // Three in a row die at start-up: the next spawn waits 250 ms, the one after 500 ms.
        for (int i = 0; i < 3; i++) {
            exit(workers.pids().get(workers.spawned.size() - 1), EXIT_1);
        }
        int spawnedBefore = workers.spawned.size();
        assertEquals(250, arbiter.millisUntilNextDuty(), "the loop wakes up when the back-off ends");
        workers.advance(249);
        step();
        assertEquals(spawnedBefore, workers.spawned.size(), "no spawn during the back-off");
        workers.advance(1);
        step();
        assertEquals(spawnedBefore + 1, workers.spawned.size(), "a spawn once the back-off ended");

        exit(workers.pids().get(workers.spawned.size() - 1), EXIT_1);
        assertEquals(500, arbiter.millisUntilNextDuty(), "the back-off doubles");
        workers.advance(500);
        step();
        assertEquals(spawnedBefore + 2, workers.spawned.size());

        // A worker that reaches its accept loop ends the streak: the next death at start-up is retried at once.
        hello(workers.pids().get(workers.spawned.size() - 1));
        exit(workers.pids().get(workers.spawned.size() - 1), EXIT_0);
        exit(workers.pids().get(workers.spawned.size() - 1), EXIT_1);
        assertEquals(spawnedBefore + 4, workers.spawned.size());
    }

    @Test
    void aPoolWhoseWorkersNeverStartReportsFatalAndStops() throws IOException {
        start(config(2));
        step();
        exit(workers.pids().get(0), EXIT_1);
        exit(workers.pids().get(1), EXIT_1);
        assertEquals(4, workers.spawned.size(), "the first failures are retried at once");
        assertFalse(reports().contains(SupervisorProtocol.FATAL));

        exit(workers.pids().get(2), EXIT_1);

        assertTrue(reports().contains(SupervisorProtocol.FATAL + " 3 workers in a row exited before accepting"), reports());
        long survivor = workers.pids().get(3);
        assertEquals(List.of(survivor), workers.quit, "the pool stops: the remaining worker is asked to quit");
        assertTrue(exit(survivor, EXIT_0), "done once every child is gone");
        assertEquals(4, workers.spawned.size(), "nothing more spawned while stopping");
    }

    @Test
    void hupReplacesEveryWorkerStartingTheNewOnesFirst() throws IOException {
        start(config(2));
        step();
        helloAll();
        List<Long> old = workers.pids();

        arbiter.step(new Event.Signal("HUP"));

        assertEquals(4, workers.spawned.size(), "both replacements spawned");
        assertTrue(workers.quit.isEmpty(), "no old worker leaves before a new one is ready");
        List<Long> fresh = workers.pids().subList(2, 4);
        hello(fresh.get(0));
        assertEquals(1, workers.quit.size(), "one old worker leaves for the first new one ready");
        assertTrue(old.contains(workers.quit.get(0)));
        hello(fresh.get(1));
        assertEquals(Set.copyOf(old), Set.copyOf(workers.quit), "the second old worker leaves for the second new one");

        exit(old.get(0), EXIT_0);
        exit(old.get(1), EXIT_0);
        assertEquals(4, workers.spawned.size(), "the old workers are not replaced: the new ones are the pool");
        assertEquals(SupervisorProtocol.POOL + " 2 2", lastPoolReport());
    }

    @Test
    void ttinAddsAndTtouRemovesAWorkerPreferringAnIdleOne() throws IOException {
        start(config(3));
        step();
        helloAll();
        List<Long> pids = workers.pids();
        state(pids.get(0), WorkerState.PROCESSING);
        state(pids.get(1), WorkerState.ACCEPTING);
        state(pids.get(2), WorkerState.PROCESSING);

        arbiter.step(new Event.Signal("TTOU"));

        assertEquals(List.of(pids.get(1)), workers.quit, "the idle worker goes, not a busy one");
        assertEquals(3, workers.spawned.size(), "nothing spawned for a smaller pool");
        exit(pids.get(1), EXIT_0);
        assertEquals(3, workers.spawned.size(), "the worker that left on TTOU is not replaced");

        arbiter.step(new Event.Command(SupervisorProtocol.TTIN));
        assertEquals(4, workers.spawned.size(), "TTIN (here as the controlling JVM's command) adds one");
        assertEquals(SupervisorProtocol.POOL + " 2 3", lastPoolReport());
    }

    @Test
    void ttinGrowsAPoolOneWorkerAtATimeUpToTheLimit() throws IOException {
        int half = EngineConfig.MAX_SERVERS_LIMIT / 2; // far past max_servers + 1, at half the steps from one
        start(config(half));
        step();
        for (int i = 0; i < half + 4; i++) {
            arbiter.step(new Event.Signal("TTIN"));
        }
        assertEquals(EngineConfig.MAX_SERVERS_LIMIT, workers.spawned.size(), "grown to the limit and no further");
        assertEquals(EngineConfig.MAX_SERVERS_LIMIT, new HashSet<>(workers.spawned.values()).size(), "each in a slot of its own");
        assertEquals(SupervisorProtocol.POOL + " 0 " + EngineConfig.MAX_SERVERS_LIMIT, lastPoolReport());
    }

    @Test
    void ttouShrinksAPoolToOneWorkerAndItGrowsAgainWhileTheOthersLeave() throws IOException {
        start(config(4));
        step();
        for (int i = 0; i < 6; i++) {
            arbiter.step(new Event.Signal("TTOU"));
        }
        assertEquals(3, workers.quit.size(), "shrunk to one worker and no further");
        assertEquals(4, workers.spawned.size(), "nothing spawned while shrinking");

        // The workers told to go may still be finishing a connection: their slots stay theirs.
        for (int i = 0; i < 3; i++) {
            arbiter.step(new Event.Signal("TTIN"));
        }
        assertEquals(7, workers.spawned.size());
        assertEquals(7, new HashSet<>(workers.spawned.values()).size(), "the new workers got slots of their own");
    }

    @Test
    void stopAsksEveryWorkerToQuitThenKillsThoseLeftAfterTheGrace() throws IOException {
        start(config(3).gracefulShutdownTimeout(2));
        step();
        helloAll();
        List<Long> pids = workers.pids();

        assertFalse(arbiter.step(new Event.Signal("TERM")));

        assertEquals(Set.copyOf(pids), Set.copyOf(workers.quit), "every worker asked to quit");
        assertFalse(exit(pids.get(0), EXIT_0));
        assertEquals(3, workers.spawned.size(), "nothing replaced while stopping");
        workers.advance(2_000 + 999);
        step();
        assertTrue(workers.killed.isEmpty(), "no kill within the grace period (plus its margin)");
        workers.advance(1);
        step();
        assertEquals(Set.copyOf(pids.subList(1, 3)), Set.copyOf(workers.killed), "the two left are killed");
        assertFalse(exit(pids.get(1), KILLED));
        assertTrue(exit(pids.get(2), KILLED), "done once the last one is reaped");
        assertFalse(arbiter.orphaned());
    }

    @Test
    void stopGivesUpOnChildrenThatSigkillDidNotEnd() throws IOException {
        start(config(1).gracefulShutdownTimeout(1));
        step();
        arbiter.step(new Event.Command(SupervisorProtocol.STOP));
        workers.advance(2_000);
        assertFalse(step());
        assertEquals(workers.pids(), workers.killed);
        workers.advance(9_999);
        assertFalse(step());
        workers.advance(1);
        assertTrue(step(), "leaves after waiting 10 s for the reaper");
    }

    @Test
    void theControllingJvmGoneStopsThePoolAsOrphaned() throws IOException {
        start(config(2));
        step();
        helloAll();
        arbiter.step(new Event.InputClosed());
        assertEquals(2, workers.quit.size());
        exit(workers.pids().get(0), EXIT_0);
        assertTrue(exit(workers.pids().get(1), EXIT_0));
        assertTrue(arbiter.orphaned());
    }

    @Test
    void checkForDeadReplacesAWorkerThatVanishedUnreapedEveryInterval() throws IOException {
        start(config(2).checkForDead(5));
        step();
        helloAll();
        long gone = workers.pids().get(1);
        workers.vanished.add(gone);
        assertTrue(arbiter.millisUntilNextDuty() <= 5_000);

        workers.advance(4_999);
        step();
        assertEquals(2, workers.spawned.size(), "not looked for before check_for_dead");
        workers.advance(1);
        step();
        assertEquals(3, workers.spawned.size(), "replaced at the check");
        assertEquals(List.of(gone), workers.exited);

        workers.vanished.add(workers.pids().get(0));
        workers.advance(4_999);
        step();
        assertEquals(3, workers.spawned.size(), "the next check is a full interval later");
        workers.advance(1);
        step();
        assertEquals(4, workers.spawned.size());
    }

    @Test
    void aFailedSpawnIsRetriedASecondLater() throws IOException {
        start(config(2));
        workers.spawnFails = true;
        step();
        workers.spawnFails = false;
        assertEquals(0, workers.spawned.size());
        workers.advance(999);
        step();
        assertEquals(0, workers.spawned.size());
        workers.advance(1);
        step();
        assertEquals(2, workers.spawned.size());
    }
}
