package dev.prefork.bench.server;

import dev.prefork.bench.proc.Proc;
import dev.prefork.bench.proc.ProcInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A started server: its process tree, CPU and memory by role, and how to stop it. */
public final class RunningServer implements AutoCloseable {
    private final Target target;
    private final Process process;
    private final int port;
    private final long startupNanos;
    private final long startupTicks;

    RunningServer(Target target, Process process, int port, long startupNanos) {
        this.target = target;
        this.process = process;
        this.port = port;
        this.startupNanos = startupNanos;
        this.startupTicks = Proc.treeTicks(process.pid());
    }

    public Target target() {
        return target;
    }

    public int port() {
        return port;
    }

    public long rootPid() {
        return process.pid();
    }

    /** From creating the first process to every worker accepting. */
    public double startupMillis() {
        return startupNanos / 1e6;
    }

    /** CPU the whole tree had used when it became ready, in seconds. */
    public double startupCpuSeconds() {
        return (double) startupTicks / Proc.TICKS_PER_SECOND;
    }

    public List<ProcInfo> tree() {
        return Proc.tree(process.pid());
    }

    /** The whole tree's CPU so far in ticks (live processes plus the children they reaped). */
    public long totalTicks() {
        return Proc.treeTicks(process.pid());
    }

    /**
     * CPU so far by role. A process's reaped children are counted under its children's role: a supervisor's
     * cutime is the CPU of the workers it has recycled.
     */
    public Map<String, Long> ticksByRole() {
        List<ProcInfo> tree = tree();
        Map<Long, String> roles = new HashMap<>();
        for (ProcInfo p : tree) {
            roles.put(p.pid(), target.role(p, process.pid()));
        }
        Map<String, Long> byRole = new TreeMap<>();
        for (ProcInfo p : tree) {
            String role = roles.get(p.pid());
            byRole.merge(role, p.ownTicks(), Long::sum);
            String childRole = tree.stream().filter(c -> c.ppid() == p.pid()).map(c -> roles.get(c.pid()))
                    .findFirst().orElse(role);
            byRole.merge(childRole, p.reapedChildTicks(), Long::sum);
        }
        return byRole;
    }

    /** RSS and PSS of every live process, grouped by role. */
    public Map<String, RoleMemory> memoryByRole() {
        Map<String, List<long[]>> samples = new TreeMap<>();
        for (ProcInfo p : tree()) {
            Proc.rssPssKb(p.pid()).ifPresent(m ->
                    samples.computeIfAbsent(target.role(p, process.pid()), k -> new ArrayList<>()).add(m));
        }
        Map<String, RoleMemory> result = new TreeMap<>();
        samples.forEach((role, list) -> {
            long rss = list.stream().mapToLong(m -> m[0]).sum();
            long pss = list.stream().mapToLong(m -> m[1]).sum();
            long[] rssSorted = list.stream().mapToLong(m -> m[0]).sorted().toArray();
            long[] pssSorted = list.stream().mapToLong(m -> m[1]).sorted().toArray();
            result.put(role, new RoleMemory(role, list.size(), rss, pss, rssSorted[rssSorted.length / 2], pssSorted[pssSorted.length / 2]));
        });
        return result;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        ProcessCleaner.stop(process, 20);
    }
}
