package dev.prefork.bench.scenario;

import dev.prefork.bench.proc.Proc;
import dev.prefork.bench.proc.ProcInfo;
import dev.prefork.bench.server.RunningServer;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a server's CPU goes by process role and thread name, between two moments: the cheapest profile
 * there is. Thread names come from /proc/PID/task/TID/comm (15 characters, digits folded to '#'); for
 * each: user and kernel CPU ticks and context switches (a voluntary switch is a block, so one wake-up
 * later). Threads that end between the two moments are not counted, so read it for workers that are not
 * recycled (max_requests 0).
 */
public final class ThreadBreakdown {
    public static final int USER = 0;
    public static final int KERNEL = 1;
    public static final int VOLUNTARY = 2;
    public static final int INVOLUNTARY = 3;

    private final RunningServer server;
    private final Map<Long, Sample> before;

    private ThreadBreakdown(RunningServer server) {
        this.server = server;
        this.before = sample(server);
    }

    public static ThreadBreakdown begin(RunningServer server) {
        return new ThreadBreakdown(server);
    }

    /** Per "role / thread": {user ticks, kernel ticks, voluntary switches, involuntary switches} since {@link #begin}. */
    public Map<String, long[]> end() {
        Map<String, long[]> delta = new TreeMap<>();
        sample(server).forEach((tid, now) -> {
            Sample then = before.get(tid);
            long[] d = delta.computeIfAbsent(now.key, k -> new long[4]);
            for (int i = 0; i < 4; i++) {
                d[i] += now.values[i] - (then == null ? 0 : then.values[i]);
            }
        });
        delta.values().removeIf(d -> d[USER] + d[KERNEL] + d[VOLUNTARY] + d[INVOLUNTARY] == 0);
        return delta;
    }

    private record Sample(String key, long[] values) {
    }

    private static Map<Long, Sample> sample(RunningServer server) {
        Map<Long, Sample> samples = new HashMap<>();
        for (ProcInfo p : server.tree()) {
            String role = server.target().role(p, server.rootPid());
            for (Proc.ThreadTicks t : Proc.threads(p.pid()).values()) {
                samples.put(t.tid(), new Sample(role + " / " + t.name().replaceAll("\\d+", "#"),
                        new long[] {t.userTicks(), t.systemTicks(), t.voluntarySwitches(), t.involuntarySwitches()}));
            }
        }
        return samples;
    }
}
