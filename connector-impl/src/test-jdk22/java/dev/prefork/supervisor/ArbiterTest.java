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
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
    private StatusPorts watch;
    /** Clients left waiting in a pool's listen queue, closed at the end. */
    private final List<Socket> waiting = new ArrayList<>();

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

    /**
     * A pool whose workers may all start at once unless a test sets max_starting itself, and never leave by
     * themselves unless a test sets max_requests: with it the loop also looks for successors every 250 ms.
     */
    private static EngineConfig.Builder config(int maxServers) {
        return EngineConfig.builder().ports("127.0.0.1:0").maxServers(maxServers).name("arbitertest")
                .maxStarting(EngineConfig.MAX_SERVERS_LIMIT).maxRequests(0);
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
        watch = StatusPorts.open(config, workers.limits, scoreboard, pools, log);
        arbiter = new Arbiter(config, new ArrayBlockingQueue<>(1), pools, scoreboard, workers,
                new PrintStream(reportBytes, true, StandardCharsets.UTF_8), log, watch);
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
        for (Socket client : waiting) {
            client.close();
        }
        if (watch != null) {
            watch.close();
        }
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

    /** drain_timeout's first phase: balancers are told to drain while every worker keeps serving; then stop says down. */
    @Test
    void aStopAnnouncedSaysDrainWhileEveryWorkerServesThenDown() throws IOException {
        start(config(2));
        step();
        helloAll();
        assertEquals("up ready 100%", PoolHealth.agentLine(watch.report(false)));

        arbiter.step(new Event.Command(SupervisorProtocol.STOP_SOON));

        assertEquals("drain", PoolHealth.agentLine(watch.report(false)));
        assertEquals(PoolHealth.DRAINING, PoolHealth.of(watch.report(false).phase(), watch.report(false).ready()));
        assertTrue(workers.quit.isEmpty(), "no worker is asked to leave while the pool drains before a stop");
        assertEquals(2, workers.spawned.size());
        assertFalse(arbiter.step(new Event.Command(SupervisorProtocol.STOP)), "stopping: the workers are still there");
        assertEquals("down", PoolHealth.agentLine(watch.report(false)));
        assertEquals(Set.copyOf(workers.pids()), Set.copyOf(workers.quit));
    }

    /**
     * drain with drain_timeout (the MXBean's drain): balancers hear drain at once while every worker
     * keeps serving; only after that many seconds do the workers leave and the pool stop accepting.
     */
    @Test
    void aDrainWithATimeoutSaysDrainFirstAndStopsAcceptingOnlyAfterIt() throws IOException {
        twoServingWorkersToldToDrainIn6Seconds();

        assertEquals("drain", PoolHealth.agentLine(watch.report(false)));
        assertTrue(workers.quit.isEmpty(), "every worker keeps serving while balancers are told");
        assertTrue(arbiter.millisUntilNextDuty() <= 6_000, "the loop wakes up for the drain: " + arbiter.millisUntilNextDuty());
        arbiter.step(new Event.Command(SupervisorProtocol.DRAIN + " 6"));
        workers.advance(5_999);
        step();
        assertTrue(workers.quit.isEmpty(), "a second drain did not move the deadline, and it is not due yet");

        workers.advance(1);
        step();
        assertEquals(Set.copyOf(workers.pids()), Set.copyOf(workers.quit), "after drain_timeout the workers leave");
        exit(workers.pids().get(0), EXIT_0);
        exit(workers.pids().get(1), EXIT_0);
        assertEquals(2, workers.spawned.size(), "a drained pool spawns no worker");
        assertEquals("drain", PoolHealth.agentLine(watch.report(false)));
    }

    private void twoServingWorkersToldToDrainIn6Seconds() throws IOException {
        start(config(2));
        step();
        helloAll();
        arbiter.step(new Event.Command(SupervisorProtocol.DRAIN + " 6"));
    }

    /** resume within drain_timeout calls the drain off: no worker ever left. */
    @Test
    void resumeCallsOffAPendingDrain() throws IOException {
        twoServingWorkersToldToDrainIn6Seconds();

        arbiter.step(new Event.Command(SupervisorProtocol.RESUME));
        workers.advance(10_000);
        step();

        assertTrue(workers.quit.isEmpty(), "no worker left");
        assertEquals("up ready 100%", PoolHealth.agentLine(watch.report(false)));
    }

    /** A stop that comes while a drain waits stops as any stop; the drain's deadline does not wake the loop in a spin. */
    @Test
    void aStopDuringAPendingDrainStops() throws IOException {
        twoServingWorkersToldToDrainIn6Seconds();
        arbiter.step(new Event.Command(SupervisorProtocol.STOP));
        workers.advance(6_000);
        step();

        assertEquals("down", PoolHealth.agentLine(watch.report(false)));
        assertTrue(arbiter.millisUntilNextDuty() > 1, "nothing left due at once: " + arbiter.millisUntilNextDuty());
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

    /** Moves the clock in steps of the arbiter's watch interval, one loop turn each. */
    private void advanceByWatches(int watches) {
        for (int i = 0; i < watches; i++) {
            workers.advance(Arbiter.WATCH_INTERVAL_MILLIS);
            step();
        }
    }

    /** A client the kernel has accepted on pool {@code index}'s port and no worker has taken: the listen queue grows. */
    private void clientWaitsIn(int index) throws IOException {
        String address = pools.get(index).socket.boundAddress();
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        waiting.add(new Socket(InetAddress.getLoopbackAddress(), port));
    }

    private long departures(Departure why) {
        return watch.figures().counters().departures().get(why);
    }

    @Test
    void startsAtMostMaxStartingWorkersAtOnceAndTheRestAsTheyBecomeReady() throws IOException {
        start(config(10).maxStarting(3));
        step();
        assertEquals(3, workers.spawned.size(), "only max_starting spawned at first");
        hello(workers.pids().get(0));
        assertEquals(4, workers.spawned.size(), "one more for the one that became ready");
        exit(workers.pids().get(1), EXIT_1);
        assertEquals(5, workers.spawned.size(), "one that died at start-up frees its place too");
        Set<Long> done = new HashSet<>(workers.pids().subList(0, 2)); // ready or dead
        for (int round = 0; round < 10 && done.size() < workers.spawned.size(); round++) {
            for (long pid : workers.pids()) {
                if (done.add(pid)) {
                    hello(pid);
                    assertTrue(workers.spawned.size() - done.size() <= 3, "never more than max_starting starting");
                }
            }
        }
        assertEquals(11, workers.spawned.size(), "the pool is whole in the end (one of the 11 died)");
        assertEquals(SupervisorProtocol.POOL + " 10 10", lastPoolReport());
    }

    @Test
    void byDefaultAPoolStartsItsFirstWorkerAlone() throws IOException {
        int maxStarting = Math.min(EngineConfig.MAX_SERVERS_LIMIT, 2 * Runtime.getRuntime().availableProcessors());
        start(EngineConfig.builder().ports("127.0.0.1:0").maxServers(4).name("arbitertest"));
        step();
        step();
        assertEquals(1, workers.spawned.size(), "the first worker starts alone");
        hello(workers.pids().get(0));
        assertEquals(1 + Math.min(3, maxStarting), workers.spawned.size(), "the others once it accepts, up to max_starting");
        helloAll();
        assertEquals(4, workers.spawned.size());
        for (long pid : List.copyOf(workers.pids())) {
            exit(pid, EXIT_0); // all recycled at once, say
        }
        assertEquals(4 + Math.min(4, maxStarting), workers.spawned.size(),
                "a pool that served once is paced by max_starting alone, even with no worker accepting");
    }

    @Test
    void aRollingRestartIsPacedByMaxStartingToo() throws IOException {
        start(config(6).maxStarting(2));
        step();
        helloAll();
        helloAll();
        helloAll();
        assertEquals(6, workers.spawned.size());
        arbiter.step(new Event.Signal("HUP"));
        assertEquals(8, workers.spawned.size(), "two replacements start at a time");
    }

    @Test
    void killsAWorkerThatDoesNotReachItsAcceptLoopWithinWorkerBootTimeoutAsAStartFailure() throws IOException {
        start(config(2).workerBootTimeout(5));
        step();
        long slow = workers.pids().get(1);
        hello(workers.pids().get(0));
        advanceByWatches(4);
        assertTrue(workers.killed.isEmpty(), "not before worker_boot_timeout");
        advanceByWatches(1);
        assertEquals(List.of(slow), workers.killed, "the worker still starting is killed");
        advanceByWatches(2);
        assertEquals(List.of(slow), workers.killed, "once");
        exit(slow, KILLED);
        assertEquals(3, workers.spawned.size(), "replaced");
        assertEquals(1, departures(Departure.BOOT_TIMEOUT));
        assertEquals(0, departures(Departure.KILLED), "not counted as a kill by someone else");
    }

    @Test
    void workersThatNeverReachAcceptWithinWorkerBootTimeoutAreStartFailuresAndStopThePool() throws IOException {
        start(config(1).workerBootTimeout(1));
        step();
        for (int i = 0; i < 3; i++) {
            advanceByWatches(1);
            long last = workers.pids().get(workers.spawned.size() - 1);
            assertTrue(workers.killed.contains(last), "killed at its boot timeout");
            exit(last, KILLED);
        }
        assertTrue(reports().contains(SupervisorProtocol.FATAL + " 3 workers in a row exited before accepting"), reports());
    }

    @Test
    void killsTheWorkerThatHoldsTheAcceptTurnWhileConnectionsWait() throws IOException {
        start(config(3));
        step();
        helloAll();
        List<Long> pids = workers.pids();
        state(pids.get(1), WorkerState.ACCEPTING);
        clientWaitsIn(0);

        advanceByWatches(3);
        assertTrue(workers.killed.isEmpty(), "not before it sat in accept for " + StuckTurnWatch.STUCK_MILLIS + " ms");
        advanceByWatches(1);
        assertEquals(List.of(pids.get(1)), workers.killed, "the holder is killed");
        advanceByWatches(3);
        assertEquals(List.of(pids.get(1)), workers.killed, "once, while it is being reaped");

        exit(pids.get(1), KILLED);
        assertEquals(1, turns.get(0).tokensPutBack, "a pipe token would be put back");
        assertEquals(4, workers.spawned.size(), "and the holder replaced");
        assertEquals(1, departures(Departure.STUCK));
    }

    @Test
    void aHolderWithNobodyWaitingOrOneThatKeepsAcceptingIsHealthy() throws IOException {
        start(config(2));
        step();
        helloAll();
        long holder = workers.pids().get(0);
        state(holder, WorkerState.ACCEPTING);
        advanceByWatches(10);
        assertTrue(workers.killed.isEmpty(), "an empty listen queue: nothing to take");

        clientWaitsIn(0);
        for (int i = 0; i < 10; i++) {
            // It takes a connection and is back in accept between two looks: its record changes.
            long since = scoreboard.read(workers.spawned.get(holder)).sinceMillis();
            while (scoreboard.read(workers.spawned.get(holder)).sinceMillis() == since) {
                state(holder, WorkerState.PROCESSING);
                state(holder, WorkerState.ACCEPTING);
            }
            advanceByWatches(1);
        }
        assertTrue(workers.killed.isEmpty(), "a holder that moves is not stuck, however full the queue");
    }

    @Test
    void withoutSerializationNoWorkerHoldsUpTheOthers() throws IOException {
        start(config(2).serialize(dev.prefork.engine.config.Serialize.NONE));
        step();
        helloAll();
        state(workers.pids().get(0), WorkerState.ACCEPTING);
        clientWaitsIn(0);
        advanceByWatches(10);
        assertTrue(workers.killed.isEmpty());
    }

    @Test
    void aPipeTokenThatDiedWithAWorkerWhoseScoreboardSaidWaitingIsPutBackOnceClientsAndWorkersWait() throws IOException {
        start(config(3).serialize(dev.prefork.engine.config.Serialize.PIPE));
        step();
        helloAll();
        List<Long> pids = workers.pids();
        pids.forEach(pid -> state(pid, WorkerState.WAITING));
        // Killed between reading the token and writing "accepting": the reaper cannot know it held it.
        exit(pids.get(1), KILLED);
        assertEquals(0, turns.get(0).tokensPutBack, "its scoreboard said waiting");
        clientWaitsIn(0);

        advanceByWatches(3);
        assertEquals(0, turns.get(0).tokensPutBack, "not before " + StuckTurnWatch.STUCK_MILLIS + " ms without a holder");
        advanceByWatches(1);
        assertEquals(1, turns.get(0).tokensPutBack, "a new token once nobody took the turn while clients and workers waited");
        advanceByWatches(1);
        assertEquals(1, turns.get(0).tokensPutBack, "one, not one a second");
    }

    /** The worker's scoreboard says it has served {@code total} connections. */
    private void served(long pid, long total) {
        scoreboard.slot(workers.spawned.get(pid)).served(total, WorkerState.WAITING);
    }

    /** One look for successors later: the clock moves by the arbiter's look interval, one loop turn. */
    private void nextLook() {
        workers.advance(Successors.LOOK_INTERVAL_MILLIS);
        step();
    }

    /** A recycling pool of {@code size} whose first workers said hello one second after their spawn (so a start takes ~1 s). */
    private void recyclingPoolStartedIn1Second(int size, int maxRequests) throws IOException {
        start(config(size).maxRequests(maxRequests).set("max_requests_jitter", "0"));
        step();
        workers.advance(1_000);
        helloAll();
    }

    @Test
    void spawnsASuccessorBeforeAWorkerReachesMaxRequestsAndLetsThatWorkerServeToItsLimit() throws IOException {
        recyclingPoolStartedIn1Second(2, 100);
        List<Long> first = workers.pids();
        // Each serves 20 connections a second: a start takes ~1 s, so a successor is due when less than
        // twice that plus a look (2.25 s, 45 connections) is left, at 55 served.
        for (int served = 5; served <= 50; served += 5) {
            for (long pid : first) {
                served(pid, served);
            }
            nextLook();
        }
        assertEquals(2, workers.spawned.size(), "no successor while 50 of 100 are left");
        for (int served = 55; served <= 60; served += 5) {
            for (long pid : first) {
                served(pid, served);
            }
            nextLook();
        }
        assertEquals(4, workers.spawned.size(), "each worker near its end has a successor spawned ahead: " + workers.pids());
        assertTrue(workers.quit.isEmpty(), "the old workers are not told to leave: they serve to their limit");
        assertEquals(SupervisorProtocol.POOL + " 2 2", lastPoolReport(), "the successors are starting");

        List<Long> successors = workers.pids().subList(2, 4);
        for (long pid : successors) {
            workers.advance(500);
            hello(pid);
        }
        assertEquals(SupervisorProtocol.POOL + " 4 2", lastPoolReport(), "four accept while the old ones finish");
        for (long pid : first) {
            served(pid, 100);
            exit(pid, EXIT_0);
        }
        nextLook();
        assertEquals(4, workers.spawned.size(), "the old workers leave at max_requests without a further spawn");
        assertEquals(SupervisorProtocol.POOL + " 2 2", lastPoolReport());
        assertEquals(2, departures(Departure.MAX_REQUESTS));
    }

    @Test
    void aPoolHasAtMostTwoSuccessorsAheadAndAPoolOfOneOnlyOne() throws IOException {
        recyclingPoolStartedIn1Second(5, 10);
        List<Long> first = workers.pids();
        for (long pid : first) {
            served(pid, 9);
        }
        nextLook();
        nextLook();
        assertEquals(7, workers.spawned.size(), "five near their end, two successors ahead: " + workers.pids());
        exit(first.get(0), EXIT_0);
        nextLook();
        assertEquals(8, workers.spawned.size(), "a succeeded one left: the next near its end gets its successor");
        assertEquals(first.get(0), (Long) workers.exited.get(0));
    }

    @Test
    void aPoolOfOneHasOneSuccessorAhead() throws IOException {
        recyclingPoolStartedIn1Second(1, 10);
        long only = workers.pids().get(0);
        served(only, 9);
        nextLook();
        nextLook();
        assertEquals(2, workers.spawned.size(), "one successor for the pool of one");
        assertTrue(workers.quit.isEmpty());
    }

    @Test
    void aQuietPoolSpawnsNoSuccessorAheadButReplacesAWorkerThatLeft() throws IOException {
        recyclingPoolStartedIn1Second(2, 100);
        long worker = workers.pids().get(0);
        for (int served = 1; served <= 99; served++) {
            served(worker, served);
            for (int look = 0; look < 16; look++) {
                nextLook(); // a connection every 4 s
            }
        }
        assertEquals(2, workers.spawned.size(), "at a connection every 4 s, not even its last one makes a successor due");
        exit(worker, EXIT_0);
        assertEquals(3, workers.spawned.size(), "replaced once it left, as before");
    }

    @Test
    void aPoolOfIdleWorkersThatServeOneConnectionEachSpawnsNoExtras() throws IOException {
        recyclingPoolStartedIn1Second(3, 1);
        for (int look = 0; look < 200; look++) {
            nextLook();
        }
        assertEquals(3, workers.spawned.size(), "max_requests 1, no connections: no successors ahead, nothing retired");
        assertTrue(workers.quit.isEmpty());
    }

    @Test
    void aSucceededWorkerStillThereLongAfterItsEndWasDueIsRetiredOnceItsPoolIsWhole() throws IOException {
        recyclingPoolStartedIn1Second(2, 100);
        long idle = workers.pids().get(0);
        long other = workers.pids().get(1);
        for (int served = 1; served <= 96; served++) {
            served(idle, served);
            nextLook(); // four a second, two workers: its share, 2/s, lasts a lead (2.25 s) with 4 left
        }
        assertEquals(3, workers.spawned.size(), "its successor was spawned at the last look");
        long successor = workers.pids().get(2);
        int looks = 0;
        for (; looks < 4; looks++) {
            nextLook();
        }
        hello(successor); // started in 1 s, as the first ones: a lead of 2.25 s, overdue after 10 s
        for (; looks < 36; looks++) {
            nextLook();
        }
        assertTrue(workers.quit.isEmpty(), "not within 10 s of its successor's spawn");
        exit(other, KILLED);
        long replacement = workers.pids().get(3);
        for (; looks < 48; looks++) {
            nextLook();
        }
        assertTrue(workers.quit.isEmpty(), "not while the pool is short of a ready worker (one is starting)");
        hello(replacement); // after 3 s: a lead of 6.25 s, so overdue after 25 s
        for (; looks < 99; looks++) {
            nextLook();
        }
        assertTrue(workers.quit.isEmpty(), "not within four leads of its successor's spawn");
        nextLook();
        nextLook();
        assertEquals(List.of(idle), workers.quit, "its successor serves: the extra worker is let go");
        assertEquals(4, workers.spawned.size(), "and not replaced again");
        exit(idle, EXIT_0);
        assertEquals(1, departures(Departure.MAX_REQUESTS), "it left for max_requests, as late as it could");
        assertEquals(0, departures(Departure.REMOVED), "the pool did not shrink");
    }

    /** Both workers of a pool of two, 20 connections a second each, have their successors spawned ahead. */
    private List<Long> twoWorkersWithSuccessorsAhead() throws IOException {
        recyclingPoolStartedIn1Second(2, 100);
        List<Long> first = workers.pids();
        for (int served = 5; served <= 60; served += 5) {
            for (long pid : first) {
                served(pid, served);
            }
            nextLook();
        }
        assertEquals(4, workers.spawned.size(), "successors ahead: " + workers.pids());
        return first;
    }

    @Test
    void aWorkerWhoseSuccessorIsSpawnedAheadIsHeldUntilItsPoolIsWholeAgainThenReleased() throws IOException {
        List<Long> first = twoWorkersWithSuccessorsAhead();
        List<Long> successors = workers.pids().subList(2, 4);
        assertEquals(Set.of("hold " + first.get(0), "hold " + first.get(1)), Set.copyOf(workers.holds),
                "held with the successor's spawn: at max_requests they serve on until it accepts");
        assertTrue(watch.fieldsLine().contains(" successors_ahead=2 successors_started_early=2 held_workers=2 held_past_max_requests=0"),
                watch.fieldsLine());
        assertEquals(Set.of("successor of " + first.get(0), "successor of " + first.get(1)),
                watch.figures().workers().stream().filter(w -> successors.contains(w.pid())).map(PoolFigures.Worker::recycling)
                        .collect(java.util.stream.Collectors.toSet()),
                "the status page says which workers were started early, and for whom");

        for (long pid : first) {
            served(pid, 100);
        }
        nextLook();
        assertEquals(2, workers.holds.size(), "at max_requests, successors not accepting: still held");
        assertTrue(watch.fieldsLine().contains(" held_past_max_requests=2"), "recycling outpaced start-up twice: " + watch.fieldsLine());
        long successor = successors.get(0);
        String predecessor = watch.figures().workers().stream().filter(w -> w.pid() == successor).findFirst().orElseThrow()
                .recycling().replace("successor of ", "");
        hello(successor);
        nextLook();
        assertEquals(List.of("release " + predecessor), workers.holds.subList(2, 3),
                "its own successor accepts: it leaves (at once, being past max_requests), though the pool is still one short");
        assertEquals(3, workers.holds.size(), "the other stays held: its successor is still starting");
        hello(successors.get(1));
        nextLook();
        assertEquals(Set.of("release " + first.get(0), "release " + first.get(1)), Set.copyOf(workers.holds.subList(2, 4)),
                "each released once its successor accepts");
        for (long pid : first) {
            exit(pid, EXIT_0);
        }
        assertEquals(2, departures(Departure.MAX_REQUESTS));
        assertEquals(4, workers.spawned.size(), "no further spawn: the successors took their places");
        assertTrue(watch.fieldsLine().contains(" successors_ahead=0 successors_started_early=2 held_workers=0 held_past_max_requests=2"),
                watch.fieldsLine());
    }

    @Test
    void aHeldWorkerIsReleasedAfterTwiceWorkerBootTimeoutWhenItsSuccessorNeverAccepts() throws IOException {
        List<Long> first = twoWorkersWithSuccessorsAhead();
        int looksIn5Seconds = (int) (5_000 / Successors.LOOK_INTERVAL_MILLIS);
        for (int look = 0; look < looksIn5Seconds * 24 - 4; look++) {
            nextLook();
        }
        assertEquals(2, workers.holds.size(), "held while a successor may still be spawned and start (worker_boot_timeout 60 s): "
                + workers.holds);
        for (int look = 0; look < 8; look++) {
            nextLook();
        }
        assertEquals(Set.of("release " + first.get(0), "release " + first.get(1)), Set.copyOf(workers.holds.subList(2, 4)),
                "a hold is bounded: after worker_boot_timeout the workers leave at max_requests as before");
    }

    @Test
    void recyclingThatOutpacesStartUpIsLoggedAtOnceThenAtMostTwiceAMinuteWithTheCounts() {
        OutpacedRecycling outpaced = new OutpacedRecycling();
        String first = outpaced.heldPastLimit("127.0.0.1:80", 1_000, 16_000, 100, 4, 200);
        assertTrue(first.contains("1 worker (1 since the start) reached max_requests before its successor accepted"), first);
        assertTrue(first.contains("a start takes ~16000 ms, while at 100.0 connections/s over 4 workers max_requests 200 lasts 8.0 s"),
                first);
        assertNull(outpaced.heldPastLimit("127.0.0.1:80", 2_000, 16_000, 100, 4, 200));
        assertNull(outpaced.heldPastLimit("127.0.0.1:80", 30_999, 16_000, 100, 4, 200));
        String next = outpaced.heldPastLimit("127.0.0.1:80", 31_000, 16_000, 100, 4, 200);
        assertTrue(next.contains(": 3 workers in the last 30 s (4 since the start) reached max_requests before their successors"), next);
        assertEquals(4, outpaced.total());
    }

    @Test
    void eachWorkerIsSpawnedWithItsOwnMaxRequestsWithinTheJitter() throws IOException {
        start(config(20).maxRequests(100).set("max_requests_jitter", "50"));
        step();
        Set<Integer> distinct = new HashSet<>(workers.maxRequestsOf.values());
        assertTrue(workers.maxRequestsOf.values().stream().allMatch(n -> n >= 100 && n <= 150), workers.maxRequestsOf.toString());
        assertTrue(distinct.size() > 1, "jitter: not all twenty alike " + distinct);
    }
}
