package dev.prefork.supervisor;

import dev.prefork.engine.WorkerState;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Handoff;
import dev.prefork.engine.protocol.Scoreboard;
import dev.prefork.engine.protocol.SupervisorProtocol;
import dev.prefork.engine.protocol.ProcessLog;
import dev.prefork.posix.Posix;
import dev.prefork.posix.PosixException;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The supervisor's one loop, in the manner of gunicorn's arbiter: wait for an event (or the next
 * periodic check), handle it, then make the pools whole again. Every state change happens on this
 * thread; signals, child exits, worker links and commands only queue {@link Event}s.
 *
 * <p>Semantics follow Net::Server's PreForkSimple: keep {@code max_servers} workers per pool, replace
 * each one that exits, look every {@code check_for_dead} seconds for children that died unnoticed,
 * TTIN/TTOU add or remove a worker, TERM/INT stop; HUP replaces every worker, new ones first.
 */
final class Arbiter {
    private static final long MAX_BACKOFF_MILLIS = 30_000;
    private static final int FATAL_START_FAILURES = 3;
    private static final long KILL_GRACE_MARGIN_MILLIS = 1_000;
    private static final long REAP_AFTER_KILL_MILLIS = 10_000;

    private final EngineConfig config;
    private final BlockingQueue<Event> events;
    private final List<Pool> pools;
    private final Scoreboard scoreboard;
    private final Spawner spawner;
    private final Reaper reaper;
    private final PrintStream reports;
    private final ProcessLog log;
    private final Map<Long, Child> children = new HashMap<>();

    private long spawned;
    private long exited;
    private boolean stopping;
    private boolean orphaned;
    private long killAtMillis = Long.MAX_VALUE;
    private long giveUpAtMillis = Long.MAX_VALUE;
    private long nextDeadCheckMillis;
    private int startFailuresInARow;
    /** Until one worker reached its accept loop, workers that die at start-up mean the pool cannot start. */
    private boolean anyWorkerReady;
    private long spawnNotBeforeMillis;
    private String lastPoolReport = "";

    Arbiter(EngineConfig config, BlockingQueue<Event> events, List<Pool> pools, Scoreboard scoreboard, Spawner spawner,
            Reaper reaper, PrintStream reports, ProcessLog log) {
        this.config = config;
        this.events = events;
        this.pools = pools;
        this.scoreboard = scoreboard;
        this.spawner = spawner;
        this.reaper = reaper;
        this.reports = reports;
        this.log = log;
        this.nextDeadCheckMillis = now() + TimeUnit.SECONDS.toMillis(config.checkForDead());
    }

    /** Runs until stopped and every child is reaped; returns whether the controlling JVM went away. */
    boolean run() throws InterruptedException {
        while (true) {
            if (!stopping) {
                maintainPools();
            }
            reportPool();
            if (stopping && children.isEmpty()) {
                return orphaned;
            }
            Event event = events.poll(millisUntilNextDuty(), TimeUnit.MILLISECONDS);
            if (event != null) {
                handle(event);
            }
            long now = now();
            if (now >= nextDeadCheckMillis) {
                checkForDead();
                nextDeadCheckMillis = now + TimeUnit.SECONDS.toMillis(config.checkForDead());
            }
            if (now >= killAtMillis) {
                killRemaining();
            }
            if (now >= giveUpAtMillis) {
                log.warning(children.size() + " workers were not reaped after SIGKILL; leaving anyway");
                return orphaned;
            }
        }
    }

    private long millisUntilNextDuty() {
        long next = Math.min(nextDeadCheckMillis, Math.min(killAtMillis, giveUpAtMillis));
        if (!stopping && spawnNotBeforeMillis > now() && missingWorkers() > 0) {
            next = Math.min(next, spawnNotBeforeMillis);
        }
        return Math.max(1, next - now());
    }

    private void handle(Event event) {
        switch (event) {
            case Event.Command command -> onCommand(command.line());
            case Event.InputClosed closed -> {
                if (!stopping) {
                    log.info("the controlling JVM is gone; stopping the pool");
                    orphaned = true;
                    beginStop();
                }
            }
            case Event.ChildExited exit -> onChildExited(exit.pid(), exit.status());
            case Event.WorkerHello hello -> onHello(hello);
            case Event.Signal signal -> onSignal(signal.name());
        }
    }

    private void onCommand(String line) {
        String[] words = line.trim().split(" ");
        switch (words[0]) {
            case SupervisorProtocol.SNAPSHOT -> writeSnapshot(words.length > 1 ? words[1] : "0");
            case SupervisorProtocol.STOP -> beginStop();
            case SupervisorProtocol.TTIN -> onSignal("TTIN");
            case SupervisorProtocol.TTOU -> onSignal("TTOU");
            default -> log.warning("unknown command from the controlling JVM: " + line);
        }
    }

    private void onSignal(String name) {
        switch (name) {
            case "TERM", "INT" -> {
                log.info("SIG" + name + ": stopping the pool");
                beginStop();
            }
            case "HUP" -> {
                log.info("SIGHUP: replacing every worker, new ones first");
                children.values().forEach(child -> child.retiring = true);
            }
            case "TTIN" -> {
                for (Pool pool : pools) {
                    if (pool.target < pool.maxTarget()) {
                        pool.target++;
                    }
                }
                log.info("TTIN: workers per port now " + pools.get(0).target);
            }
            case "TTOU" -> {
                for (Pool pool : pools) {
                    if (pool.target > 1) {
                        pool.target--;
                        surplusChild(pool).ifPresent(this::quit);
                    }
                }
                log.info("TTOU: workers per port now " + pools.get(0).target);
            }
            default -> log.warning("ignoring signal " + name);
        }
    }

    /** The child to let go when a pool shrinks: an idle one if there is one. */
    private java.util.Optional<Child> surplusChild(Pool pool) {
        return children.values().stream()
                .filter(child -> child.pool == pool && child.counts())
                .max(Comparator.comparing((Child child) -> isIdle(child)).thenComparing(child -> child.spawnedMillis));
    }

    private boolean isIdle(Child child) {
        Scoreboard.SlotView view = scoreboard.read(child.slot);
        return view == null || view.pid() != child.pid || view.state().isIdle();
    }

    private void onHello(Event.WorkerHello hello) {
        Child child = children.get(hello.pid());
        if (child == null) {
            HelloListener.closeQuietly(hello.link());
            return;
        }
        child.link = hello.link();
        startFailuresInARow = 0;
        anyWorkerReady = true;
        if (stopping || child.quitRequested) {
            HelloListener.sendQuit(child.link);
            return;
        }
        // A rolling restart lets one old worker of this pool go for every new one that is ready.
        children.values().stream()
                .filter(old -> old.pool == child.pool && old.retiring && !old.quitRequested)
                .findFirst()
                .ifPresent(this::quit);
    }

    private void onChildExited(long pid, int status) {
        Child child = children.remove(pid);
        if (child == null) {
            return;
        }
        exited++;
        spawner.exited(pid, Posix.exitedNormally(status));
        Scoreboard.SlotView last = scoreboard.read(child.slot);
        boolean slotIsTheChilds = last != null && last.pid() == pid;
        if (!Posix.exitedNormally(status)) {
            String doing = slotIsTheChilds && last.state() == WorkerState.PROCESSING
                    ? " while serving " + last.peer() + (config.handoff() == Handoff.DESCRIPTOR
                            ? " (a client passed with its socket lives on in the controlling JVM)"
                            : " (that connection is lost)")
                    : slotIsTheChilds ? " while " + last.state().name().toLowerCase(Locale.ROOT) : "";
            if (!stopping) {
                log.warning("worker " + pid + " died with " + Posix.describeWaitStatus(status) + doing + "; replacing it");
            }
            if (slotIsTheChilds && last.state() == WorkerState.ACCEPTING) {
                child.pool.turn.holderDied();
            }
        } else {
            log.fine("worker " + pid + " exited after " + (slotIsTheChilds ? last.served() : 0) + " connections");
        }
        if (!child.ready() && !stopping && !child.quitRequested) {
            startFailuresInARow++;
            if (!anyWorkerReady && startFailuresInARow >= FATAL_START_FAILURES) {
                report(SupervisorProtocol.FATAL + " " + startFailuresInARow + " workers in a row exited before accepting (last: "
                        + Posix.describeWaitStatus(status) + "); their own messages are in the log above. "
                        + "Check worker_jvm_options and java_home.");
                beginStop();
            } else if (startFailuresInARow >= 3) {
                long backoff = Math.min(MAX_BACKOFF_MILLIS, 250L << Math.min(7, startFailuresInARow - 3));
                spawnNotBeforeMillis = now() + backoff;
                log.warning(startFailuresInARow + " workers in a row died before accepting (last: "
                        + Posix.describeWaitStatus(status) + "); check worker_jvm_options and the log above. Next spawn in "
                        + backoff + " ms");
            }
        }
        scoreboard.clear(child.slot);
        if (child.link != null) {
            HelloListener.closeQuietly(child.link);
        }
    }

    private int missingWorkers() {
        int missing = 0;
        for (Pool pool : pools) {
            missing += Math.max(0, pool.target - countingChildren(pool));
        }
        return missing;
    }

    private int countingChildren(Pool pool) {
        int count = 0;
        for (Child child : children.values()) {
            if (child.pool == pool && child.counts()) {
                count++;
            }
        }
        return count;
    }

    private void maintainPools() {
        if (now() < spawnNotBeforeMillis) {
            return;
        }
        for (Pool pool : pools) {
            for (int missing = pool.target - countingChildren(pool); missing > 0; missing--) {
                int slot = freeSlot(pool);
                if (slot < 0) {
                    log.warning("port " + pool.socket.boundAddress() + " has no free scoreboard slot; waiting for workers to exit");
                    return;
                }
                long pid;
                try {
                    pid = spawner.spawn(pool, slot);
                } catch (PosixException e) {
                    spawnNotBeforeMillis = now() + 1_000;
                    log.severe("cannot spawn a worker; retrying in 1 s", e);
                    return;
                }
                spawned++;
                children.put(pid, new Child(pid, pool, slot, System.currentTimeMillis()));
                reaper.childSpawned();
            }
        }
    }

    private int freeSlot(Pool pool) {
        boolean[] used = new boolean[pool.slotCount];
        for (Child child : children.values()) {
            if (child.pool == pool) {
                used[child.slot - pool.firstSlot] = true;
            }
        }
        for (int i = 0; i < used.length; i++) {
            if (!used[i]) {
                return pool.firstSlot + i;
            }
        }
        return -1;
    }

    /** Net::Server's check_for_dead: a child that no longer exists is forgotten and replaced. */
    private void checkForDead() {
        for (Child child : new ArrayList<>(children.values())) {
            if (!Posix.kill(child.pid, 0)) {
                log.warning("worker " + child.pid + " vanished without being reaped; replacing it");
                onChildExited(child.pid, 0x7f);
            }
        }
    }

    private void beginStop() {
        if (stopping) {
            return;
        }
        stopping = true;
        killAtMillis = now() + TimeUnit.SECONDS.toMillis(config.gracefulShutdownTimeout()) + KILL_GRACE_MARGIN_MILLIS;
        children.values().forEach(this::quit);
    }

    /** Asks a worker to leave after its current connection: over its link, or with SIGTERM while it starts. */
    private void quit(Child child) {
        child.quitRequested = true;
        if (child.link == null || !HelloListener.sendQuit(child.link)) {
            Posix.kill(child.pid, Posix.SIGTERM);
        }
    }

    private void killRemaining() {
        for (Child child : children.values()) {
            log.warning("worker " + child.pid + " did not finish within graceful_shutdown_timeout; killing it");
            Posix.kill(child.pid, Posix.SIGKILL);
        }
        killAtMillis = Long.MAX_VALUE;
        giveUpAtMillis = now() + REAP_AFTER_KILL_MILLIS;
    }

    private void reportPool() {
        int ready = 0;
        for (Child child : children.values()) {
            if (child.ready() && !child.quitRequested) {
                ready++;
            }
        }
        String line = SupervisorProtocol.POOL + " " + ready + " " + totalTarget();
        if (!line.equals(lastPoolReport)) {
            lastPoolReport = line;
            report(line);
        }
    }

    /** Workers the supervisor keeps running over all ports. */
    private int totalTarget() {
        int target = 0;
        for (Pool pool : pools) {
            target += pool.target;
        }
        return target;
    }

    private void writeSnapshot(String id) {
        StringBuilder out = new StringBuilder();
        out.append(SupervisorProtocol.SNAPSHOT_BEGIN).append(' ').append(id).append('\n');
        List<Child> sorted = new ArrayList<>(children.values());
        sorted.sort(Comparator.comparingInt(child -> child.slot));
        for (Child child : sorted) {
            Scoreboard.SlotView view = scoreboard.read(child.slot);
            boolean written = view != null && view.pid() == child.pid;
            WorkerState state = written ? view.state() : WorkerState.STARTING;
            out.append(SupervisorProtocol.WORKER)
                    .append(" slot=").append(child.slot)
                    .append(" pid=").append(child.pid)
                    .append(" port=").append(child.pool.index)
                    .append(" state=").append(state.name().toLowerCase(Locale.ROOT))
                    .append(" served=").append(written ? view.served() : 0)
                    .append(" started=").append(written ? view.startedMillis() : child.spawnedMillis)
                    .append(" since=").append(written ? view.sinceMillis() : child.spawnedMillis)
                    .append(" peer=").append(written && state == WorkerState.PROCESSING ? view.peer() : "")
                    .append('\n');
        }
        out.append(SupervisorProtocol.SNAPSHOT_END).append(' ').append(id)
                .append(" target=").append(totalTarget())
                .append(" spawned=").append(spawned)
                .append(" exited=").append(exited);
        report(out.toString());
    }

    private void report(String lines) {
        reports.println(lines);
        reports.flush();
    }

    /** Monotonic milliseconds: deadlines must not move when the wall clock does. */
    private static long now() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }
}
