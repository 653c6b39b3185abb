package dev.prefork.keeper;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.PortSpec;
import dev.prefork.posix.ChildCalls;
import dev.prefork.posix.Posix;
import dev.prefork.posix.PosixException;
import dev.prefork.programs.ProgramPlan;
import dev.prefork.programs.ProgramSpec;
import dev.prefork.programs.ProgramSupervision;
import dev.prefork.programs.RestartPolicy;
import dev.prefork.supervisor.ListeningSocket;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the programs of a {@link ProgramPlan} running (see the package comment): one loop thread takes
 * events (a program exited, SIGHUP, stop), then starts whatever is missing and kills whatever overstayed
 * its TERM. Signals go to each program's process group, so that what a program started goes with it;
 * when a program's own process exits, whatever is left in its group is killed before it is reaped.
 */
public final class ProgramKeeper implements ProgramSupervision {
    private static final long REAP_AFTER_KILL_MILLIS = 10_000;
    private static final long GROUP_GONE_MILLIS = 2_000;

    private sealed interface Event {
        record Exited(RunningProgram program, int status) implements Event {
        }

        record Restart(String why) implements Event {
        }

        record Reconfigure(ProgramPlan next, UserSwitchCommand switchUser, String why) implements Event {
        }

        record Stop() implements Event {
        }

        record PassOn(int signal, String name) implements Event {
        }

        record Resize(int delta, String why) implements Event {
        }
    }

    /**
     * What is kept running; replaced by a SIGHUP that read the conf_file again (by the loop thread only;
     * volatile for {@link #reconfigure}, which reads whether it has a pool, on the SIGHUP thread).
     */
    private volatile ProgramPlan plan;
    private final PrintStream out;
    private final List<ListeningSocket> sockets;
    private ProgramSpawner spawner;
    private final List<KeptProgram> kept = new ArrayList<>();
    private final Map<Long, RunningProgram> running = new HashMap<>();
    /** Bounded: at most one exit per copy is ever queued, and a signal that finds the queue full is one of many. */
    private final BlockingQueue<Event> events;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean failed;
    private boolean stopping;
    private long killAtMillis = Long.MAX_VALUE;
    private long giveUpAtMillis = Long.MAX_VALUE;

    private ProgramKeeper(ProgramPlan plan, PrintStream out, List<ListeningSocket> sockets, UserSwitchCommand switchUser) {
        this.plan = plan;
        this.out = out;
        this.sockets = sockets;
        this.spawner = new ProgramSpawner(sockets, plan.socketName(), switchUser);
        int copies = 0;
        for (ProgramSpec spec : plan.all()) {
            kept.add(new KeptProgram(spec, plan.crashLimit()));
            copies += spec.copies();
        }
        // Every copy may be queued once as exited, plus its replacement during a rolling restart.
        this.events = new ArrayBlockingQueue<>(2 * copies + 16);
    }

    /**
     * Binds the plan's ports, starts every program and returns the running supervision; a port that
     * cannot be bound fails here, before any program starts.
     */
    public static ProgramSupervision start(ProgramPlan plan, PrintStream out) throws IOException {
        // Before binding: a bad user binds nothing.
        UserSwitchCommand switchUser = UserSwitchCommand.of(plan.user(), plan.group(), plan.chroot());
        List<ListeningSocket> sockets = new ArrayList<>();
        try {
            for (PortSpec port : plan.ports()) {
                sockets.add(ListeningSocket.open(port, plan.listen()));
            }
        } catch (IOException | RuntimeException e) {
            sockets.forEach(ListeningSocket::close);
            throw e;
        }
        ProgramKeeper keeper = new ProgramKeeper(plan, out, sockets, switchUser);
        keeper.maintain(System.currentTimeMillis()); // started before start() returns: the launcher then says it serves
        Thread.ofPlatform().name("prefork-keeper").daemon().start(keeper::loop);
        return keeper;
    }

    /**
     * The command words that start one of the launcher's own jobs (a dequeue job) as {@code user} with
     * {@code group}, as the programs are started (setpriv; see {@link UserSwitchCommand}), to be put before
     * {@code /bin/sh -c}; empty without user.
     *
     * @throws IOException naming the setting when the user or a group does not exist, or setpriv is missing
     */
    public static List<String> asUser(String user, String group) throws IOException {
        return UserSwitchCommand.of(user, group, null).beforeShell();
    }

    @Override
    public List<String> boundAddresses() {
        return sockets.stream().map(ListeningSocket::boundAddress).toList();
    }

    @Override
    public void restartAll(String why) {
        if (ended.getCount() == 0) {
            return;
        }
        if (!events.offer(new Event.Restart(why))) {
            out.println("prefork: " + why + ": ignored, the keeper is busy with earlier events");
        }
    }

    @Override
    public void reconfigure(ProgramPlan next, String why) throws IOException {
        if ((next.pool() == null) != (plan.pool() == null)) {
            throw new IllegalStateException("worker_program " + (next.pool() == null ? "is gone" : "is new") + ": a program pool"
                    + " cannot be " + (next.pool() == null ? "removed" : "added") + " while the launcher runs (its ports are bound"
                    + " at start); restart the launcher for that");
        }
        UserSwitchCommand switchUser = UserSwitchCommand.of(next.user(), next.group(), next.chroot()); // a bad user changes nothing
        if (ended.getCount() == 0) {
            return;
        }
        if (!events.offer(new Event.Reconfigure(next, switchUser, why))) {
            throw new IllegalStateException("the keeper is busy with earlier events; send SIGHUP again");
        }
    }

    @Override
    public void passOn(int signal, String name) {
        if (ended.getCount() > 0 && !events.offer(new Event.PassOn(signal, name))) {
            out.println("prefork: SIG" + name + ": not passed on, the keeper is busy with earlier events");
        }
    }

    @Override
    public void resizePool(int delta, String why) {
        if (ended.getCount() > 0 && !events.offer(new Event.Resize(delta, why))) {
            out.println("prefork: " + why + ": ignored, the keeper is busy with earlier events");
        }
    }

    @Override
    public void stop() {
        try {
            // Not put(): a keeper that already ended (a program given up) takes no more events.
            while (ended.getCount() > 0 && !events.offer(new Event.Stop(), 100, TimeUnit.MILLISECONDS)) {
                // the queue is full of exits the loop is about to take
            }
            ended.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean awaitEnd() throws InterruptedException {
        ended.await();
        return failed;
    }

    private void loop() {
        try {
            while (true) {
                long now = System.currentTimeMillis();
                Event event = events.poll(Math.max(1, nextDutyMillis(now) - now), TimeUnit.MILLISECONDS);
                now = System.currentTimeMillis();
                if (event != null) {
                    handle(event, now);
                }
                if (stopping) {
                    if (running.isEmpty()) {
                        break;
                    }
                    if (now >= killAtMillis) {
                        running.values().forEach(each -> signal(each, Posix.SIGKILL));
                        out.println("prefork: programs: " + running.size() + " did not stop within graceful_shutdown_timeout "
                                + plan.graceSeconds() + " s; killed (SIGKILL)");
                        killAtMillis = Long.MAX_VALUE;
                        giveUpAtMillis = now + REAP_AFTER_KILL_MILLIS;
                    }
                    if (now >= giveUpAtMillis) {
                        out.println("prefork: programs: " + running.keySet() + " not reaped after SIGKILL; leaving them");
                        break;
                    }
                } else {
                    now = System.currentTimeMillis();
                    killOverdue(now);
                    maintain(now);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failed = true;
            out.println("prefork: programs: the keeper failed (" + e + "); stopping every program");
            running.values().forEach(each -> signal(each, Posix.SIGKILL));
        } finally {
            ExitCommand.run(plan.exitCommand(), plan.graceSeconds(), out);
            sockets.forEach(ListeningSocket::close);
            spawner.close();
            ended.countDown();
        }
    }

    private long nextDutyMillis(long now) {
        long next = Math.min(killAtMillis, giveUpAtMillis);
        for (RunningProgram each : running.values()) {
            next = Math.min(next, each.killAtMillis);
        }
        if (!stopping) {
            for (KeptProgram program : kept) {
                // Also when already due: a turn can outlast a short back-off on a loaded machine.
                if (!program.givenUp && counted(program) < program.spec.copies()) {
                    next = Math.min(next, program.notBeforeMillis);
                }
            }
        }
        return next == Long.MAX_VALUE ? now + 60_000 : next;
    }

    private void handle(Event event, long now) {
        switch (event) {
            case Event.Exited exited -> onExit(exited.program(), exited.status(), now);
            case Event.Restart restart -> onRestart(restart.why(), now);
            case Event.Reconfigure change -> onReconfigure(change, now);
            case Event.PassOn pass -> onPassOn(pass);
            case Event.Resize resize -> onResize(resize.delta(), resize.why(), now);
            case Event.Stop ignored -> beginStop(now, "stopping every program");
        }
    }

    private void onExit(RunningProgram program, int status, long now) {
        running.remove(program.pid);
        long ran = now - program.startedMillis;
        String how = program.tag() + " ended with " + Posix.describeWaitStatus(status) + " after "
                + String.format(java.util.Locale.ROOT, "%.1f", ran / 1000.0) + " s";
        if (stopping || program.stopRequested) {
            out.println("prefork: " + how + (stopping ? "" : program.surplus ? "; one copy fewer" : program.retiring ? "; replaced"
                    : !this.kept.contains(program.program) ? "; no longer configured" : "; starting it again"));
            return;
        }
        KeptProgram kept = program.program;
        long delay = kept.policy.exited(ran);
        if (delay == RestartPolicy.GIVE_UP) {
            kept.givenUp = true;
            out.println("prefork: " + how + "; " + kept.policy.quickExitsInARow() + " exits in a row within "
                    + RestartPolicy.QUICK_MILLIS / 1000 + " s of the start (crash_limit " + plan.crashLimit()
                    + "): not starting " + kept.spec.name() + " again");
            if (kept.spec.listens()) {
                giveUp(now, "the program pool " + kept.spec.name() + " cannot keep its workers running");
            } else if (this.kept.stream().allMatch(each -> each.givenUp)) {
                giveUp(now, "every program was given up");
            }
            return;
        }
        kept.notBeforeMillis = Math.max(kept.notBeforeMillis, now + delay);
        out.println("prefork: " + how + (delay == 0 ? "; starting it again"
                : "; starting it again in " + delay + " ms (" + kept.policy.quickExitsInARow() + " quick exits in a row)"));
    }

    private void giveUp(long now, String why) {
        failed = true;
        beginStop(now, why + "; stopping every program");
    }

    /** Pool workers: replaced new ones first (the sockets stay open). Plain programs: stopped, then started again. */
    private void onRestart(String why, long now) {
        if (stopping) {
            return;
        }
        out.println("prefork: " + why + ": restarting every program (program pool workers new ones first)");
        for (KeptProgram program : kept) {
            program.givenUp = false; // an operator's HUP is a new chance, as after a fix
            program.notBeforeMillis = 0;
            program.policy.reset();
        }
        for (RunningProgram each : running.values()) {
            if (each.stopRequested) {
                continue;
            }
            if (each.program.spec.listens()) {
                each.retiring = true; // TERM after maintain() has started its replacement
            } else {
                terminate(each, now);
            }
        }
        maintain(now);
        for (RunningProgram each : running.values()) {
            if (each.retiring && !each.stopRequested) {
                terminate(each, now);
            }
        }
    }

    /**
     * SIGHUP with the settings read again: the new plan's programs replace the old ones, matched by name
     * (the pool by being the pool), so that a program still listed is stopped before its successor starts
     * as on a plain SIGHUP, and the pool's workers are replaced new ones first, as many as it now asks
     * for. A program no longer listed is stopped and not started again. The listening sockets stay.
     */
    private void onReconfigure(Event.Reconfigure change, long now) {
        if (stopping) {
            return;
        }
        ProgramPlan next = change.next();
        List<KeptProgram> carried = new ArrayList<>();
        for (ProgramSpec spec : next.all()) {
            KeptProgram same = kept.stream().filter(each -> spec.listens() ? each.spec.listens()
                    : !each.spec.listens() && each.spec.name().equals(spec.name())).findFirst().orElse(null);
            carried.add(same == null ? new KeptProgram(spec, next.crashLimit()) : same.reconfigured(spec, next.crashLimit()));
        }
        List<KeptProgram> gone = new ArrayList<>(kept);
        gone.removeAll(carried);
        kept.clear();
        kept.addAll(carried);
        plan = next;
        spawner.close();
        spawner = new ProgramSpawner(sockets, next.socketName(), change.switchUser());
        for (RunningProgram each : running.values()) {
            if (gone.contains(each.program) && !each.stopRequested) {
                terminate(each, now);
            }
        }
        onRestart(change.why(), now);
    }

    /**
     * TTIN/TTOU: the program pool keeps one copy more or fewer (at least one); a surplus copy, the
     * newest, gets TERM. A plain program list has nothing to resize.
     */
    private void onResize(int delta, String why, long now) {
        KeptProgram pool = kept.stream().filter(each -> each.spec.listens()).findFirst().orElse(null);
        if (stopping || pool == null) {
            out.println("prefork: " + why + ": " + (stopping ? "stopping" : "there is no program pool (worker_program) to resize"));
            return;
        }
        ProgramSpec spec = pool.spec;
        int copies = Math.max(1, Math.min(EngineConfig.MAX_SERVERS_LIMIT, spec.copies() + delta));
        pool.spec = new ProgramSpec(spec.name(), spec.command(), copies, spec.socket());
        out.println("prefork: " + why + ": program pool " + spec.name() + " now keeps " + copies + " cop" + (copies == 1 ? "y" : "ies"));
        for (int surplus = counted(pool) - copies; surplus > 0; surplus--) {
            running.values().stream().filter(each -> each.program == pool && each.counts() && !each.stopRequested)
                    .max(java.util.Comparator.comparingLong(each -> each.startedMillis)).ifPresent(newest -> {
                        newest.retiring = true;
                        newest.surplus = true;
                        terminate(newest, now);
                    });
        }
    }

    /** sig_passthrough: the signal to every running program's process group (stopping ones too: they may still act on it). */
    private void onPassOn(Event.PassOn pass) {
        running.values().forEach(each -> signal(each, pass.signal()));
        out.println("prefork: SIG" + pass.name() + ": passed on to " + running.size() + " program"
                + (running.size() == 1 ? "" : "s") + " (sig_passthrough)");
    }

    private void beginStop(long now, String why) {
        if (stopping) {
            return;
        }
        stopping = true;
        out.println("prefork: programs: " + why + " (TERM; KILL after graceful_shutdown_timeout " + plan.graceSeconds() + " s)");
        running.values().forEach(each -> {
            each.stopRequested = true;
            signal(each, Posix.SIGTERM);
        });
        killAtMillis = now + TimeUnit.SECONDS.toMillis(plan.graceSeconds());
    }

    private void terminate(RunningProgram program, long now) {
        program.stopRequested = true;
        program.killAtMillis = now + TimeUnit.SECONDS.toMillis(plan.graceSeconds());
        signal(program, Posix.SIGTERM);
    }

    /** A copy asked to stop (SIGHUP) that is still there after graceful_shutdown_timeout is killed. */
    private void killOverdue(long now) {
        for (RunningProgram each : running.values()) {
            if (now >= each.killAtMillis) {
                out.println("prefork: " + each.tag() + " did not stop within graceful_shutdown_timeout " + plan.graceSeconds()
                        + " s; killing it (SIGKILL)");
                signal(each, Posix.SIGKILL);
                each.killAtMillis = Long.MAX_VALUE;
            }
        }
    }

    /** Starts every copy that is missing and due. */
    private void maintain(long now) {
        for (KeptProgram program : kept) {
            if (program.givenUp || now < program.notBeforeMillis) {
                continue;
            }
            for (int missing = program.spec.copies() - counted(program); missing > 0; missing--) {
                try {
                    ProgramSpawner.Spawned spawned = spawner.spawn(program.spec);
                    RunningProgram started = new RunningProgram(spawned.pid(), program, now);
                    running.put(spawned.pid(), started);
                    out.println("prefork: " + started.tag() + " started");
                    OutputRelay.start(spawned.output(), started.tag(), out);
                    watchExit(started);
                } catch (PosixException e) {
                    program.notBeforeMillis = now + 1_000;
                    out.println("prefork: cannot start " + program.spec.name() + " (" + e.getMessage() + "); trying again in 1 s");
                    break;
                }
            }
        }
    }

    private int counted(KeptProgram program) {
        int count = 0;
        for (RunningProgram each : running.values()) {
            if (each.program == program && each.counts()) {
                count++;
            }
        }
        return count;
    }

    /**
     * Waits for the copy's exit on a small thread of its own: by its pid only (the launcher's JVM has
     * children of its own, which the JDK reaps). While the exited program is still a zombie its process
     * group's id cannot be reused, so what it left behind in its group is killed then, and it is reaped.
     */
    private void watchExit(RunningProgram program) {
        Thread.ofPlatform().name("prefork-wait-" + program.tag()).daemon().stackSize(256 * 1024).start(() -> {
            if (ChildCalls.awaitExit(program.pid)) {
                signal(program, Posix.SIGKILL);
            }
            int status = ChildCalls.reap(program.pid);
            awaitGroupGone(program);
            try {
                events.put(new Event.Exited(program, status));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * Waits (at most {@link #GROUP_GONE_MILLIS}) until nothing of the program's process group is left:
     * what it started and left behind was killed with it, but those orphans are reaped by init, not by
     * us, so that "ended" in the log and the launcher's stop mean that all of it is gone. No event says
     * when init has reaped them, so this looks every 10 ms.
     */
    private void awaitGroupGone(RunningProgram program) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GROUP_GONE_MILLIS);
        try {
            while (Posix.kill(-program.pid, 0) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (PosixException e) {
            // EPERM: a member changed its user; it got our SIGKILL all the same
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends {@code signal} to the program's process group (and so to whatever it started that stayed in it). */
    private void signal(RunningProgram program, int signal) {
        try {
            Posix.kill(-program.pid, signal);
        } catch (PosixException e) {
            out.println("prefork: cannot signal " + program.tag() + ": " + e.getMessage());
        }
    }
}
