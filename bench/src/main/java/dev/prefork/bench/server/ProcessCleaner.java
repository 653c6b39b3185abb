package dev.prefork.bench.server;

import dev.prefork.bench.proc.Proc;
import dev.prefork.bench.proc.ProcInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Stops what the harness started, the whole process tree, and only that: by pid, checking that a pid
 * still names the process we saw (same start time) before signalling it. A shutdown hook stops
 * whatever is still running when the harness exits or is interrupted (Ctrl-C).
 */
public final class ProcessCleaner {
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessCleaner::stopAll, "bench-cleanup"));
    }

    private ProcessCleaner() {
    }

    static void register(Process process) {
        RUNNING.add(process);
    }

    public static void stopAll() {
        for (Process process : List.copyOf(RUNNING)) {
            stop(process, 10);
        }
    }

    /**
     * SIGTERM to the root (servers stop their workers themselves), then SIGTERM to whatever of the tree
     * is left, then SIGKILL. Returns when the tree is gone or after about {@code graceSeconds} + 10 s.
     */
    public static void stop(Process root, int graceSeconds) {
        List<ProcInfo> tree = Proc.tree(root.pid());
        root.destroy();
        if (!waitGone(root, tree, TimeUnit.SECONDS.toMillis(graceSeconds))) {
            tree = refreshed(root, tree);
            signal(tree, false);
            if (!waitGone(root, tree, 5000)) {
                signal(refreshed(root, tree), true);
                root.destroyForcibly();
                waitGone(root, tree, 5000);
            }
        }
        RUNNING.remove(root);
    }

    /** The tree as remembered plus any descendants that appeared since. */
    private static List<ProcInfo> refreshed(Process root, List<ProcInfo> remembered) {
        List<ProcInfo> all = new ArrayList<>(remembered);
        for (ProcInfo p : remembered) {
            for (ProcInfo d : Proc.tree(p.pid())) {
                if (all.stream().noneMatch(x -> x.pid() == d.pid())) {
                    all.add(d);
                }
            }
        }
        return all;
    }

    private static void signal(List<ProcInfo> processes, boolean kill) {
        for (ProcInfo p : processes) {
            if (sameProcess(p)) {
                ProcessHandle.of(p.pid()).ifPresent(h -> {
                    if (kill) {
                        h.destroyForcibly();
                    } else {
                        h.destroy();
                    }
                });
            }
        }
    }

    private static boolean sameProcess(ProcInfo p) {
        Optional<ProcInfo> now = Proc.read(p.pid());
        return now.isPresent() && now.get().startTicks() == p.startTicks();
    }

    private static boolean waitGone(Process root, List<ProcInfo> tree, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline) {
            boolean any = root.isAlive() || tree.stream().anyMatch(ProcessCleaner::sameProcessAlive);
            if (!any) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static boolean sameProcessAlive(ProcInfo p) {
        Optional<ProcInfo> now = Proc.read(p.pid());
        // A zombie waiting for a parent that is itself gone will be reaped by init; treat it as gone.
        return now.isPresent() && now.get().startTicks() == p.startTicks() && !isZombie(p.pid());
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException e) {
            return true;
        }
    }
}
