package dev.prefork.supervisor;

import dev.prefork.engine.WorkerState;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Handoff;
import dev.prefork.engine.config.Serialize;
import dev.prefork.engine.protocol.Scoreboard;
import dev.prefork.engine.protocol.SupervisorProtocol;
import dev.prefork.engine.protocol.ProcessLog;
import dev.prefork.posix.Posix;
import dev.prefork.posix.PosixException;

import java.io.PrintStream;
import java.time.Instant;
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
 *
 * <p>It acts on processes and reads time only through {@link WorkerProcesses}, so that its policy can
 * be tested with a fake in milliseconds; {@link #step} is one turn of the loop.
 */
final class Arbiter {
    private static final long MAX_BACKOFF_MILLIS = 30_000;
    private static final int FATAL_START_FAILURES = 3;
    private static final long KILL_GRACE_MARGIN_MILLIS = 1_000;
    private static final long REAP_AFTER_KILL_MILLIS = 10_000;
    /** How often the workers are looked at for a stuck accept turn and an overdue start. */
    static final long WATCH_INTERVAL_MILLIS = 1_000;

    private final EngineConfig config;
    private final BlockingQueue<Event> events;
    private final List<Pool> pools;
    private final Scoreboard scoreboard;
    private final WorkerProcesses processes;
    private final PrintStream reports;
    private final ProcessLog log;
    private final StatusPorts watch;
    private final PoolFigures figures;
    private final Map<Long, Child> children = new HashMap<>();

    private long spawned;
    private long exited;
    private boolean stopping;
    /** Told to stop accepting: no worker is spawned until resumed. */
    private boolean draining;
    /**
     * Told that a stop follows (drain_timeout): balancers are told to drain while every worker keeps
     * serving, so that clients a balancer still sends meanwhile are served.
     */
    private boolean stopAnnounced;
    /**
     * A drain told to wait (drain with drain_timeout): until then balancers are told to drain while every
     * worker keeps serving, then the pool stops accepting. Long.MAX_VALUE when no such drain is pending.
     */
    private long drainAtMillis = Long.MAX_VALUE;
    private boolean orphaned;
    private long killAtMillis = Long.MAX_VALUE;
    private long giveUpAtMillis = Long.MAX_VALUE;
    private long nextDeadCheckMillis;
    private final WorkerLimits limits;
    private long nextLimitCheckMillis;
    private long retiredForRss;
    private long retiredForAge;
    private int startFailuresInARow;
    /** Until one worker reached its accept loop, workers that die at start-up mean the pool cannot start. */
    private boolean anyWorkerReady;
    private long spawnNotBeforeMillis;
    private String lastPoolReport = "";
    private final int maxStarting;
    /** max_starting left at its default: a pool starts its first worker alone. */
    private final boolean firstWorkerAlone;
    /** Pools of which a worker has said hello since the supervisor started. */
    private final java.util.Set<Pool> poolsThatServed = new java.util.HashSet<>();
    private final long bootTimeoutMillis;
    private final StuckTurnWatch stuckTurns;
    private final ListenQueueGauge queues;
    private long nextWatchMillis;
    /** Whether the pacing of start-ups (max_starting) was logged since the pools were last whole. */
    private boolean pacingLogged;
    private final Successors successors;
    private long nextSuccessorLookMillis;
    private final OutpacedRecycling outpaced = new OutpacedRecycling();
    /**
     * The longest a succeeded worker is held for its successor: twice worker_boot_timeout (two minutes when
     * that waits for ever), by when the successor has had the time to be spawned (within max_starting) and to
     * start or be killed as a start-up failure. A pool whose successors cannot start at all is not kept on its
     * old workers for ever.
     */
    private final long holdLimitMillis;

    Arbiter(EngineConfig config, BlockingQueue<Event> events, List<Pool> pools, Scoreboard scoreboard,
            WorkerProcesses processes, PrintStream reports, ProcessLog log, StatusPorts watch) {
        this.config = config;
        this.events = events;
        this.pools = pools;
        this.scoreboard = scoreboard;
        this.processes = processes;
        this.reports = reports;
        this.log = log;
        this.watch = watch;
        this.figures = watch.figures();
        this.nextDeadCheckMillis = now() + TimeUnit.SECONDS.toMillis(config.checkForDead());
        this.limits = new WorkerLimits(config.maxWorkerRss(), config.maxWorkerAge());
        this.nextLimitCheckMillis = limits.active() ? now() + WorkerLimits.CHECK_INTERVAL_MILLIS : Long.MAX_VALUE;
        this.maxStarting = config.maxStarting();
        this.firstWorkerAlone = config.firstWorkerAlone();
        this.bootTimeoutMillis = TimeUnit.SECONDS.toMillis(config.workerBootTimeout());
        this.stuckTurns = new StuckTurnWatch(pools.size());
        this.queues = watch.queues();
        this.nextWatchMillis = now() + WATCH_INTERVAL_MILLIS;
        this.successors = new Successors(pools.size());
        this.holdLimitMillis = 2 * (bootTimeoutMillis > 0 ? bootTimeoutMillis : TimeUnit.SECONDS.toMillis(60));
        this.nextSuccessorLookMillis = config.maxRequests() > 0 ? now() + Successors.LOOK_INTERVAL_MILLIS : Long.MAX_VALUE;
    }

    /** Runs until stopped and every child is reaped; returns whether the controlling JVM went away. */
    boolean run() throws InterruptedException {
        boolean done = step(null);
        while (!done) {
            done = step(events.poll(millisUntilNextDuty(), TimeUnit.MILLISECONDS));
        }
        return orphaned;
    }

    /**
     * One turn of the loop: handle {@code event} (none when the wait timed out), do whatever duty is
     * due by now, then make the pools whole again and report. Returns true when the arbiter is done:
     * stopped with every child reaped, or given up on children that SIGKILL did not end.
     */
    boolean step(Event event) {
        if (event != null) {
            handle(event);
        }
        long now = now();
        if (now >= nextDeadCheckMillis) {
            checkForDead();
            nextDeadCheckMillis = now + TimeUnit.SECONDS.toMillis(config.checkForDead());
        }
        if (now >= nextLimitCheckMillis) {
            retireWorkersOverLimits();
            nextLimitCheckMillis = now + WorkerLimits.CHECK_INTERVAL_MILLIS;
        }
        if (now >= nextWatchMillis) {
            if (!stopping) {
                killOverdueStarts(now);
                killStuckTurnHolders(now);
            }
            nextWatchMillis = now + WATCH_INTERVAL_MILLIS;
        }
        if (now >= nextSuccessorLookMillis) {
            if (!stopping && !draining) {
                spawnSuccessorsAhead(now);
            }
            // Workers without max_requests are looked at again only when the limits change (onRetune).
            nextSuccessorLookMillis = recycling() ? now + Successors.LOOK_INTERVAL_MILLIS : Long.MAX_VALUE;
        }
        if (now >= drainAtMillis) {
            drainAtMillis = Long.MAX_VALUE; // due once, also when a stop came first
            drain(0);
        }
        if (now >= killAtMillis) {
            killRemaining();
        }
        if (now >= giveUpAtMillis) {
            log.warning(children.size() + " workers were not reaped after SIGKILL; leaving anyway");
            return true;
        }
        if (!stopping) {
            maintainPools();
        }
        reportPool();
        publishFigures();
        return stopping && children.isEmpty();
    }

    /** Whether the controlling JVM went away (its end of our standard input closed). */
    boolean orphaned() {
        return orphaned;
    }

    /** How long the loop may wait for the next event before a duty (check, kill, spawn) is due. */
    long millisUntilNextDuty() {
        long next = Math.min(Math.min(nextDeadCheckMillis, nextLimitCheckMillis), Math.min(killAtMillis, giveUpAtMillis));
        next = Math.min(Math.min(next, nextWatchMillis), Math.min(drainAtMillis, nextSuccessorLookMillis));
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
            case SupervisorProtocol.STATUS -> report(SupervisorProtocol.STATUS + " " + (words.length > 1 ? words[1] : "0") + " "
                    + watch.fieldsLine()); // answered in turn, so it shows every command sent before it
            case SupervisorProtocol.RESTART -> restart("restart requested");
            case SupervisorProtocol.DRAIN -> onDrain(words);
            case SupervisorProtocol.RESUME -> resume();
            case SupervisorProtocol.STOP_SOON -> {
                if (!stopAnnounced) {
                    stopAnnounced = true;
                    log.info("a stop follows: telling balancers to drain while the workers keep serving");
                }
            }
            case SupervisorProtocol.WORKERS, SupervisorProtocol.ADD_WORKERS, SupervisorProtocol.REMOVE_WORKERS,
                 SupervisorProtocol.LIMITS -> onRetune(words);
            default -> log.warning("unknown command from the controlling JVM: " + line);
        }
    }

    /** Resizing and new limits: a bad number from the controlling JVM is logged, never fatal. */
    private void onRetune(String[] words) {
        try {
            switch (words[0]) {
                case SupervisorProtocol.WORKERS -> resize(Integer.parseInt(words[1]));
                case SupervisorProtocol.ADD_WORKERS -> resize(pools.get(0).target + Integer.parseInt(words[1]));
                case SupervisorProtocol.REMOVE_WORKERS -> resize(pools.get(0).target - Integer.parseInt(words[1]));
                default -> {
                    processes.limits().set(Integer.parseInt(words[1]), Integer.parseInt(words[2]), Integer.parseInt(words[3]));
                    nextSuccessorLookMillis = now(); // new workers may have a max_requests now
                    log.info("new workers serve max_requests " + words[1] + " (+0 to " + words[2]
                            + "), graceful_shutdown_timeout " + words[3] + " s");
                }
            }
        } catch (RuntimeException e) {
            log.warning("ignoring the command " + String.join(" ", words) + ": " + e.getMessage());
        }
    }

    /** Sets every port's target to {@code perPort} (within 1 and the scoreboard's room); surplus workers leave, idle ones first. */
    private void resize(int perPort) {
        for (Pool pool : pools) {
            int target = Math.max(1, Math.min(pool.maxTarget(), perPort));
            for (int surplus = pool.target - target; surplus > 0; surplus--) {
                surplusChild(pool).ifPresent(this::retire);
            }
            pool.target = target;
        }
        log.info("workers per port now " + pools.get(0).target);
    }

    /** A rolling restart: every worker is replaced, new ones first (as SIGHUP). */
    private void restart(String why) {
        log.info(why + ": replacing every worker, new ones first");
        children.values().forEach(child -> child.retiring = true);
    }

    /** {@code drain [SECONDS]}: a bad number from the controlling JVM is logged and drains at once. */
    private void onDrain(String[] words) {
        long seconds = 0;
        try {
            seconds = words.length > 1 ? Math.max(0, Long.parseLong(words[1])) : 0;
        } catch (NumberFormatException e) {
            log.warning("drain: '" + words[1] + "' is not a number of seconds; draining at once");
        }
        drain(TimeUnit.SECONDS.toMillis(seconds));
    }

    /**
     * Stops accepting: every worker leaves after its connection, the ports stay open (clients queue).
     * With {@code afterMillis} above 0 (drain_timeout), first only tells balancers to drain (agent-check
     * {@code drain}, /health draining) while every worker keeps serving for that long, so that a balancer
     * sends new clients elsewhere before this node stops taking them; a second drain meanwhile changes
     * nothing, and resume cancels it.
     */
    private void drain(long afterMillis) {
        if (draining || stopping) {
            return;
        }
        if (afterMillis > 0) {
            if (drainAtMillis == Long.MAX_VALUE) {
                drainAtMillis = now() + afterMillis;
                log.info("draining in " + afterMillis / 1000 + " s (drain_timeout): telling balancers to drain while the workers"
                        + " keep serving");
            }
            return;
        }
        drainAtMillis = Long.MAX_VALUE;
        draining = true;
        log.info("draining: workers leave after their current connection; the ports stay open");
        children.values().stream().filter(child -> !child.quitRequested).forEach(this::retire);
    }

    private void resume() {
        if (drainAtMillis != Long.MAX_VALUE) {
            drainAtMillis = Long.MAX_VALUE;
            log.info("resuming: the drain is called off; the workers never stopped serving");
        }
        if (draining) {
            draining = false;
            log.info("resuming: starting workers again");
        }
    }

    private void onSignal(String name) {
        switch (name) {
            case "TERM", "INT" -> {
                log.info("SIG" + name + ": stopping the pool");
                beginStop();
            }
            case "HUP" -> restart("SIGHUP");
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
                        surplusChild(pool).ifPresent(this::retire);
                    }
                }
                log.info("TTOU: workers per port now " + pools.get(0).target);
            }
            default -> log.warning("ignoring signal " + name);
        }
    }

    /**
     * The child to let go when a pool shrinks: the newest idle one if there is one, else the newest.
     * One pass, reading each slot once: a pool may hold a thousand workers.
     */
    private java.util.Optional<Child> surplusChild(Pool pool) {
        Child chosen = null;
        boolean chosenIdle = false;
        for (Child child : children.values()) {
            if (child.pool != pool || !child.counts()) {
                continue;
            }
            boolean idle = isIdle(child);
            if (chosen == null || (idle && !chosenIdle)
                    || (idle == chosenIdle && child.spawnedMillis > chosen.spawnedMillis)) {
                chosen = child;
                chosenIdle = idle;
            }
        }
        return java.util.Optional.ofNullable(chosen);
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
        successors.started(now() - child.spawnedAtTick);
        startFailuresInARow = 0;
        anyWorkerReady = true;
        poolsThatServed.add(child.pool);
        if (stopping || child.quitRequested) {
            processes.quit(child);
            return;
        }
        // A rolling restart lets one old worker of this pool go for every new one that is ready.
        children.values().stream()
                .filter(old -> old.pool == child.pool && old.retiring && !old.quitRequested)
                .findFirst()
                .ifPresent(this::retire);
    }

    private void onChildExited(long pid, int status) {
        Child child = children.remove(pid);
        if (child == null) {
            return;
        }
        exited++;
        processes.exited(pid, Posix.exitedNormally(status));
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
            // A worker that exits by itself gives the pipe token back and says EXITING first; one killed
            // from outside cannot, and its scoreboard says whether it held the token.
            if (slotIsTheChilds && last.state() == WorkerState.ACCEPTING) {
                child.pool.turn.holderDied();
            }
        } else {
            log.fine("worker " + pid + " exited after " + (slotIsTheChilds ? last.served() : 0) + " connections");
        }
        if (!child.ready() && child.successorOf != 0) {
            Child predecessor = children.get(child.successorOf);
            if (predecessor != null) {
                predecessor.successorSpawned = false; // the next worker spawned for the pool is its successor
            }
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
        figures.departed(Departure.of(child, status, stopping), slotIsTheChilds ? PoolFigures.accepted(last) : 0);
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
        if (draining || now() < spawnNotBeforeMillis) {
            return;
        }
        int starting = startingChildren();
        for (Pool pool : pools) {
            for (int missing = pool.target - countingChildren(pool); missing > 0; missing--) {
                if (firstWorkerAlone && waitsForItsFirstWorker(pool)) {
                    // The pool serves as soon as its first worker accepts; others starting beside it would
                    // share the processors with it and delay that (bin/sample embedded: ready in about half
                    // the time with one worker starting alone, issue 13).
                    break;
                }
                if (starting >= maxStarting) {
                    // The rest are spawned as these say hello (or die): a thousand JVMs starting at once on
                    // a few cores would each take minutes, and none would serve meanwhile.
                    if (!pacingLogged) {
                        pacingLogged = true;
                        log.info(starting + " workers starting; " + missingWorkers() + " more follow as they become ready"
                                + " (max_starting " + maxStarting + ")");
                    }
                    return;
                }
                int slot = freeSlot(pool);
                if (slot < 0) {
                    log.warning("port " + pool.socket.boundAddress() + " has no free scoreboard slot; waiting for workers to exit");
                    return;
                }
                long pid;
                int maxRequests = processes.limits().maxRequestsOfNextWorker();
                try {
                    pid = processes.spawn(pool, slot, maxRequests);
                } catch (PosixException e) {
                    spawnNotBeforeMillis = now() + 1_000;
                    log.severe("cannot spawn a worker; retrying in 1 s", e);
                    return;
                }
                spawned++;
                starting++;
                Child spawnedChild = new Child(pid, pool, slot, System.currentTimeMillis(), now(), maxRequests);
                predecessorWaitingFor(pool).ifPresent(predecessor -> {
                    predecessor.successorSpawned = true;
                    spawnedChild.successorOf = predecessor.pid;
                });
                children.put(pid, spawnedChild);
            }
        }
        pacingLogged = false;
    }

    /** A worker of {@code pool} succeeded ahead whose successor is not spawned yet: the one a new worker succeeds. */
    private java.util.Optional<Child> predecessorWaitingFor(Pool pool) {
        return children.values().stream()
                .filter(child -> child.pool == pool && child.succeeded && !child.successorSpawned && child.serving())
                .findFirst();
    }

    /**
     * Whether {@code pool} is starting: no worker of it has said hello yet, and one is on its way. Only
     * then does its first worker start alone; a pool that served once (and is recycling, say) is paced by
     * max_starting alone, since holding back its replacements would only leave it emptier for longer.
     */
    private boolean waitsForItsFirstWorker(Pool pool) {
        if (poolsThatServed.contains(pool)) {
            return false;
        }
        for (Child child : children.values()) {
            if (child.pool == pool && child.counts() && !child.ready()) {
                return true;
            }
        }
        return false;
    }

    /** Children that have not said hello yet: JVMs starting (or being told to leave before they could). */
    private int startingChildren() {
        int starting = 0;
        for (Child child : children.values()) {
            if (!child.ready()) {
                starting++;
            }
        }
        return starting;
    }

    /**
     * worker_boot_timeout: a worker that has not reached its accept loop this long after its spawn is
     * killed. It then counts as a start-up failure when it is reaped, and the pool backs off as from a
     * worker that exited at start-up; without this, a worker hung at start-up would hold its place (and
     * a place among max_starting) for ever.
     */
    private void killOverdueStarts(long now) {
        if (bootTimeoutMillis <= 0) {
            return;
        }
        for (Child child : children.values()) {
            if (child.ready() || child.killed() || now - child.spawnedAtTick < bootTimeoutMillis) {
                continue;
            }
            Scoreboard.SlotView view = scoreboard.read(child.slot);
            String doing = view != null && view.pid() == child.pid
                    ? "its scoreboard says " + view.state().name().toLowerCase(Locale.ROOT) + " since " + Instant.ofEpochMilli(view.sinceMillis())
                    : "it has not written its scoreboard slot yet";
            log.warning("worker " + child.pid + " did not reach its accept loop within worker_boot_timeout "
                    + config.workerBootTimeout() + " s (" + doing + "); killing it (SIGKILL), a start-up failure");
            child.killedAtBoot = true;
            processes.kill(child.pid);
        }
    }

    /**
     * A worker that holds its pool's accept turn while connections wait in the listen queue, and does
     * not take them, blocks every sibling (see {@link StuckTurnWatch}). It is killed: the kernel then
     * releases its lock or semaphore (the pipe token is put back when it is reaped), another worker takes
     * the turn, and the killed one is replaced. Without serialization there is no turn to hold.
     */
    private void killStuckTurnHolders(long now) {
        if (config.serialize() == Serialize.NONE) {
            return;
        }
        int[] depths = queues.depths();
        Child[] holders = new Child[pools.size()];
        Scoreboard.SlotView[] holderViews = new Scoreboard.SlotView[pools.size()];
        boolean[] waiters = new boolean[pools.size()];
        for (Child child : children.values()) {
            if (!child.ready() || child.killed()) {
                continue;
            }
            Scoreboard.SlotView view = scoreboard.read(child.slot);
            if (view == null || view.pid() != child.pid) {
                continue;
            }
            if (view.state() == WorkerState.WAITING) {
                waiters[child.pool.index] = true;
            }
            if (view.state() != WorkerState.ACCEPTING) {
                continue;
            }
            // Two can say accepting for an instant (the one that just accepted has given the turn back but
            // not yet written that it serves): the one in it longest is the one that can hold it up.
            Scoreboard.SlotView other = holderViews[child.pool.index];
            if (other == null || view.sinceMillis() < other.sinceMillis()) {
                holders[child.pool.index] = child;
                holderViews[child.pool.index] = view;
            }
        }
        if (config.serialize() == Serialize.PIPE) {
            for (Pool pool : pools) {
                long lostFor = stuckTurns.lookForLostTurn(pool.index, waiters[pool.index] && holderViews[pool.index] == null,
                        depths[pool.index], now);
                if (lostFor > 0) {
                    log.warning("no worker of " + pool.socket.boundAddress() + " took the accept token for " + lostFor
                            + " ms while " + depths[pool.index] + " clients and some workers waited: the token died with a"
                            + " worker that had just taken it; putting a new one in");
                    pool.turn.holderDied();
                }
            }
        }
        for (Pool pool : pools) {
            long stuckFor = stuckTurns.look(pool.index, holderViews[pool.index], depths[pool.index], now);
            if (stuckFor == 0) {
                continue;
            }
            Child holder = holders[pool.index];
            Scoreboard.SlotView view = holderViews[pool.index];
            log.warning("worker " + holder.pid + " holds the accept turn of " + pool.socket.boundAddress()
                    + " (serialize " + config.serialize().key() + ") and took no connection for " + stuckFor
                    + " ms while " + depths[pool.index] + " waited: its scoreboard says accepting since "
                    + Instant.ofEpochMilli(view.sinceMillis()) + ", after " + view.served()
                    + " connections; stopped or hung, killing it (SIGKILL) so that another worker takes the turn");
            holder.killedStuck = true;
            processes.kill(holder.pid);
            stuckTurns.forget(pool.index);
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

    /** Whether some worker leaves by itself after max_requests, or new ones will. */
    private boolean recycling() {
        if (processes.limits().maxRequests() > 0) {
            return true;
        }
        for (Child child : children.values()) {
            if (child.maxRequests > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Spawns the successors of workers near their max_requests before they leave (see {@link Successors}):
     * each such worker stops counting toward its pool's target, which {@link #maintainPools} then fills, and
     * goes on serving to its limit. A succeeded worker still there long after its end was due (the load fell
     * away) is retired once its pool is whole, so that the pool does not stay above its target.
     */
    private void spawnSuccessorsAhead(long now) {
        for (Child child : successors.due(children.values(), pools, scoreboard, now)) {
            child.succeeded = true;
            child.succeededAtTick = now;
            // Until its successor accepts it does not leave at max_requests: when workers reach their limit
            // faster than JVMs start, the pool would otherwise run short or empty (clients wait in the queue).
            child.held = true;
            processes.hold(child);
            figures.successorStartedEarly();
            log.fine("worker " + child.pid + " has " + (child.maxRequests - child.lastServed) + " of its " + child.maxRequests
                    + " connections left (port " + child.pool.socket.boundAddress() + " serves "
                    + String.format(Locale.ROOT, "%.1f", successors.rate(child.pool)) + "/s, a start takes ~"
                    + successors.startupMillis() + " ms): spawning its successor now; it serves on until the successor accepts");
        }
        releaseHeldWorkers(now);
        for (Child child : children.values()) {
            if (child.succeeded && child.serving() && successors.overdue(child, now) && readyCounting(child.pool) >= child.pool.target) {
                log.fine("worker " + child.pid + " was succeeded " + (now - child.succeededAtTick) + " ms ago and has served only "
                        + child.lastServed + " of " + child.maxRequests + "; retiring it, its successor serves");
                child.retiredOverdue = true;
                retire(child);
            }
        }
    }

    /**
     * Releases each held worker once its own successor accepts (or its pool is whole without it), or when it
     * was held {@link #holdLimitMillis}. Its own successor, not the whole pool: when recycling outpaces start-up
     * some worker of the pool is always starting, and a pool that must be whole first would keep every held
     * worker to the bound and then release them all at once, empty again. Notes (and logs, see {@link OutpacedRecycling}) each one seen past its
     * max_requests while held: the pool recycles faster than it starts workers.
     */
    private void releaseHeldWorkers(long now) {
        for (Child child : children.values()) {
            if (!child.held) {
                continue;
            }
            Pool pool = child.pool;
            if (!child.heldPastLimit && child.maxRequests > 0 && child.lastServed >= child.maxRequests) {
                child.heldPastLimit = true;
                figures.heldPastLimit();
                String line = outpaced.heldPastLimit(pool.socket.boundAddress(), now, successors.startupMillis(),
                        successors.rate(pool), pool.target, child.maxRequests);
                if (line != null) {
                    log.warning(line);
                }
            }
            boolean replaced = successorAccepts(child) || readyCounting(pool) >= pool.target;
            boolean heldTooLong = now - child.succeededAtTick > holdLimitMillis;
            if (replaced || heldTooLong || !child.serving()) {
                child.held = false;
                processes.release(child);
                if (!replaced && heldTooLong && child.serving()) {
                    log.warning("worker " + child.pid + " was held " + (now - child.succeededAtTick) + " ms for its successor, which"
                            + " is still not accepting; releasing it (held at most twice worker_boot_timeout, " + holdLimitMillis / 1000
                            + " s) after " + child.lastServed + " of its " + child.maxRequests + " connections");
                }
            }
        }
    }

    /**
     * Whether the worker spawned as {@code child}'s successor has said hello and serves. It may already have a
     * successor of its own (recycling outpaces start-up): it still accepts, which is what the held one waits for.
     */
    private boolean successorAccepts(Child child) {
        for (Child other : children.values()) {
            if (other.successorOf == child.pid && other.ready() && other.serving()) {
                return true;
            }
        }
        return false;
    }

    private int readyCounting(Pool pool) {
        int ready = 0;
        for (Child child : children.values()) {
            if (child.pool == pool && child.ready() && child.counts()) {
                ready++;
            }
        }
        return ready;
    }

    /** Net::Server's check_for_dead: a child that no longer exists is forgotten and replaced. */
    private void checkForDead() {
        for (Child child : new ArrayList<>(children.values())) {
            if (!processes.exists(child.pid)) {
                log.warning("worker " + child.pid + " vanished without being reaped; replacing it");
                onChildExited(child.pid, 0x7f);
            }
        }
    }

    /**
     * max_worker_rss and max_worker_age: a ready worker over a limit is retired as in a rolling restart
     * (a replacement is spawned first; the old one leaves after its current connection).
     */
    private void retireWorkersOverLimits() {
        if (stopping) {
            return;
        }
        long wallNow = System.currentTimeMillis();
        for (Child child : children.values()) {
            if (!child.ready() || !child.counts()) {
                continue;
            }
            WorkerLimits.Reason reason = limits.exceeded(child, wallNow);
            if (reason == null) {
                continue;
            }
            child.retiring = true;
            if (reason == WorkerLimits.Reason.RSS) {
                retiredForRss++;
            } else {
                retiredForAge++;
            }
            log.info("retiring worker " + child.pid + " after its current connection: " + reason.why
                    + "; a new worker takes its place first");
        }
    }

    private void beginStop() {
        if (stopping) {
            return;
        }
        stopping = true;
        killAtMillis = now() + TimeUnit.SECONDS.toMillis(processes.limits().gracefulShutdownTimeout()) + KILL_GRACE_MARGIN_MILLIS;
        children.values().forEach(this::quit);
    }

    /** Asks a worker to leave after its current connection: over its link, or with SIGTERM while it starts. */
    private void quit(Child child) {
        child.quitRequested = true;
        processes.quit(child);
    }

    /** Asks a worker to leave after the connection it serves or takes next (see {@link WorkerMessages}). */
    private void retire(Child child) {
        child.quitRequested = true;
        processes.retire(child);
    }

    private void killRemaining() {
        for (Child child : children.values()) {
            log.warning("worker " + child.pid + " did not finish within graceful_shutdown_timeout; killing it");
            child.killedAfterGrace = true;
            processes.kill(child.pid);
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

    /** Hands the status port and the controlling JVM's status requests what only this thread knows. */
    private void publishFigures() {
        int ready = 0;
        for (Child child : children.values()) {
            if (child.ready() && child.serving()) { // a succeeded worker still serves
                ready++;
            }
        }
        figures.publish(children.values(), totalTarget(), ready,
                stopping ? PoolFigures.Phase.STOPPING
                        : draining || stopAnnounced || drainAtMillis != Long.MAX_VALUE ? PoolFigures.Phase.DRAINING
                        : PoolFigures.Phase.SERVING);
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
            // Starting means not ready yet, as the arbiter counts it for max_starting: a worker that said
            // hello but has not yet written that it waits for its turn is ready.
            WorkerState state = !child.ready() ? WorkerState.STARTING
                    : !written || view.state() == WorkerState.STARTING ? WorkerState.WAITING : view.state();
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
                .append(" exited=").append(exited)
                .append(" retired_rss=").append(retiredForRss)
                .append(" retired_age=").append(retiredForAge);
        report(out.toString());
    }

    private void report(String lines) {
        reports.println(lines);
        reports.flush();
    }

    private long now() {
        return processes.nowMillis();
    }
}
