package dev.prefork.bench.scenario;

import dev.prefork.bench.proc.Proc;
import dev.prefork.bench.proc.ProcInfo;
import dev.prefork.bench.server.RunningServer;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a server's CPU goes by process role and thread name, between two moments: the cheapest profile
 * there is (thread names come from /proc/PID/task/TID/comm, 15 characters, digits folded to '#').
 * Threads that end between the two moments are not counted, so measure with workers that are not
 * recycled (max_requests 0).
 */
public final class ThreadBreakdown {
    /** Key suffixes: CPU in user space and in the kernel (utime and stime). */
    public static final String USER = " [user]";
    public static final String SYSTEM = " [kernel]";

    private final RunningServer server;
    private final Map<String, Long> before;

    private ThreadBreakdown(RunningServer server) {
        this.server = server;
        this.before = sample(server);
    }

    public static ThreadBreakdown begin(RunningServer server) {
        return new ThreadBreakdown(server);
    }

    /** Ticks per "role / thread" since {@link #begin}. */
    public Map<String, Long> end() {
        Map<String, Long> after = sample(server);
        Map<String, Long> delta = new TreeMap<>();
        after.forEach((key, ticks) -> {
            long d = ticks - before.getOrDefault(key, 0L);
            if (d > 0) {
                delta.put(key, d);
            }
        });
        return delta;
    }

    private static Map<String, Long> sample(RunningServer server) {
        Map<String, Long> ticks = new HashMap<>();
        for (ProcInfo p : server.tree()) {
            String role = server.target().role(p, server.rootPid());
            Map<Long, Proc.ThreadTicks> threads = Proc.threads(p.pid());
            for (Proc.ThreadTicks t : threads.values()) {
                String name = role + " / " + t.name().replaceAll("\\d+", "#");
                ticks.merge(name + USER, t.userTicks(), Long::sum);
                ticks.merge(name + SYSTEM, t.systemTicks(), Long::sum);
            }
        }
        return ticks;
    }
}
