package dev.prefork.bench.scenario;

import dev.prefork.bench.proc.Proc;
import dev.prefork.bench.proc.ProcInfo;
import dev.prefork.bench.server.RunningServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counts, every 50 ms during a run, the server's workers that are past start-up (older than 0.5 s):
 * when every worker reaches max_requests at once, the pool has none ready for a while and clients queue.
 */
final class WorkerCensus implements AutoCloseable {
    private static final long SETTLED_MILLIS = 500;
    private final RunningServer server;
    private final int poolSize;
    private final Thread thread;
    private final long bootMillis = bootMillis();
    private volatile boolean stop;
    private int samples;
    private int belowHalf;
    private int minimum = Integer.MAX_VALUE;

    private WorkerCensus(RunningServer server, int poolSize) {
        this.server = server;
        this.poolSize = poolSize;
        this.thread = new Thread(this::loop, "bench-worker-census");
        thread.setDaemon(true);
    }

    static WorkerCensus start(RunningServer server, int poolSize) {
        WorkerCensus census = new WorkerCensus(server, poolSize);
        census.thread.start();
        return census;
    }

    private void loop() {
        while (!stop) {
            long now = System.currentTimeMillis();
            int settled = 0;
            boolean any = false;
            for (ProcInfo p : server.tree()) {
                if (server.target().role(p, server.rootPid()).equals("worker")) {
                    any = true;
                    long started = bootMillis + p.startTicks() * 1000 / Proc.TICKS_PER_SECOND;
                    if (now - started > SETTLED_MILLIS) {
                        settled++;
                    }
                }
            }
            if (any) {
                synchronized (this) {
                    samples++;
                    minimum = Math.min(minimum, settled);
                    if (settled * 2 < poolSize) {
                        belowHalf++;
                    }
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The fewest settled workers seen, or -1 for a server without worker processes. */
    synchronized int minimum() {
        return samples == 0 ? -1 : minimum;
    }

    /** The share of samples in which fewer than half of the workers were settled. */
    synchronized double belowHalfShare() {
        return samples == 0 ? Double.NaN : (double) belowHalf / samples;
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(1000);
    }

    private static long bootMillis() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("btime ")) {
                    return Long.parseLong(line.substring(6).trim()) * 1000;
                }
            }
        } catch (IOException e) {
            // fall through
        }
        throw new IllegalStateException("no btime in /proc/stat");
    }
}
