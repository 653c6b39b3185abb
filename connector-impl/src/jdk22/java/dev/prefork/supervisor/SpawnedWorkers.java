package dev.prefork.supervisor;

import dev.prefork.posix.Posix;

import java.util.concurrent.TimeUnit;

/** The real {@link WorkerProcesses}: posix_spawn through the {@link Spawner}, kill(2), and System.nanoTime. */
final class SpawnedWorkers implements WorkerProcesses {
    private final Spawner spawner;
    private final Reaper reaper;

    SpawnedWorkers(Spawner spawner, Reaper reaper) {
        this.spawner = spawner;
        this.reaper = reaper;
    }

    @Override
    public long spawn(Pool pool, int slot, int maxRequests) {
        long pid = spawner.spawn(pool, slot, maxRequests);
        reaper.childSpawned();
        return pid;
    }

    @Override
    public void exited(long pid, boolean cleanly) {
        spawner.exited(pid, cleanly);
    }

    @Override
    public boolean exists(long pid) {
        return Posix.kill(pid, 0);
    }

    @Override
    public void quit(Child child) {
        if (child.link == null || !HelloListener.sendQuit(child.link)) {
            Posix.kill(child.pid, Posix.SIGTERM);
        }
    }

    @Override
    public void retire(Child child) {
        if (child.link == null || !WorkerMessages.retire(child.link)) {
            Posix.kill(child.pid, Posix.SIGTERM);
        }
    }

    @Override
    public void hold(Child child) {
        if (child.link != null) {
            WorkerMessages.hold(child.link); // a link gone means the worker leaves anyway; its exit is reaped
        }
    }

    @Override
    public void release(Child child) {
        if (child.link != null) {
            WorkerMessages.release(child.link);
        }
    }

    @Override
    public LiveLimits limits() {
        return spawner.limits();
    }

    @Override
    public void kill(long pid) {
        Posix.kill(pid, Posix.SIGKILL);
    }

    @Override
    public long nowMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }
}
