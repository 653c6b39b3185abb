package dev.prefork.supervisor;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link WorkerProcesses} without processes: hands out pids, records every spawn, quit and kill the
 * arbiter asks for, says a pid exists until a test makes it vanish, and keeps a clock that only the
 * test moves.
 */
final class FakeWorkers implements WorkerProcesses {
    /** The limits of the pool under test, set when its arbiter is made. */
    LiveLimits limits;
    private long nextPid = 1000;
    private long now = 5_000_000;
    /** Every spawn, in order: pid to slot. */
    final Map<Long, Integer> spawned = new LinkedHashMap<>();
    /** The max_requests (with its jitter) each pid was spawned with. */
    final Map<Long, Integer> maxRequestsOf = new LinkedHashMap<>();
    final List<Long> quit = new ArrayList<>();
    /** Every hold and release the arbiter sent, in order: "hold PID" or "release PID". */
    final List<String> holds = new ArrayList<>();
    final List<Long> killed = new ArrayList<>();
    final List<Long> exited = new ArrayList<>();
    final Set<Long> vanished = new HashSet<>();
    /** The links given to the arbiter in hellos, closed by the test at the end. */
    final List<SocketChannel> links = new ArrayList<>();
    boolean spawnFails;

    @Override
    public long spawn(Pool pool, int slot, int maxRequests) {
        if (spawnFails) {
            throw new dev.prefork.posix.PosixException("posix_spawn", 11, "Resource temporarily unavailable");
        }
        long pid = nextPid++;
        spawned.put(pid, slot);
        maxRequestsOf.put(pid, maxRequests);
        return pid;
    }

    @Override
    public void exited(long pid, boolean cleanly) {
        exited.add(pid);
    }

    @Override
    public boolean exists(long pid) {
        return !vanished.contains(pid);
    }

    @Override
    public void quit(Child child) {
        quit.add(child.pid);
    }

    @Override
    public void retire(Child child) {
        quit.add(child.pid);
    }

    @Override
    public void hold(Child child) {
        holds.add("hold " + child.pid);
    }

    @Override
    public void release(Child child) {
        holds.add("release " + child.pid);
    }

    @Override
    public LiveLimits limits() {
        return limits;
    }

    @Override
    public void kill(long pid) {
        killed.add(pid);
    }

    @Override
    public long nowMillis() {
        return now;
    }

    void advance(long millis) {
        now += millis;
    }

    /** A link standing in for a worker's connection to the supervisor: a real, unconnected channel. */
    SocketChannel newLink() throws IOException {
        SocketChannel link = SocketChannel.open();
        links.add(link);
        return link;
    }

    void closeLinks() throws IOException {
        for (SocketChannel link : links) {
            link.close();
        }
    }

    /** The pids spawned so far, in order. */
    List<Long> pids() {
        return new ArrayList<>(spawned.keySet());
    }
}
