package dev.prefork.bench.proc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads Linux /proc: process stat lines, whole process trees, smaps_rollup memory. */
public final class Proc {
    /** USER_HZ; 100 on every Linux/x86_64 kernel configuration that matters here. */
    public static final long TICKS_PER_SECOND = 100;

    private Proc() {
    }

    /** The process, or empty when it is gone (a worker that exited between listing and reading). */
    public static Optional<ProcInfo> read(long pid) {
        Path dir = Path.of("/proc", Long.toString(pid));
        try {
            String stat = Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1);
            String cmdline = readCmdline(dir);
            return Optional.of(parseStat(stat, cmdline));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String readCmdline(Path dir) throws IOException {
        byte[] raw = Files.readAllBytes(dir.resolve("cmdline"));
        return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
    }

    /** Parses /proc/PID/stat; comm may hold spaces and parentheses, so fields are counted from the last ')'. */
    static ProcInfo parseStat(String stat, String cmdline) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        long pid = Long.parseLong(stat.substring(0, open).trim());
        String comm = stat.substring(open + 1, close);
        String[] f = stat.substring(close + 2).trim().split(" ");
        // f[0] is field 3 (state): field n is f[n - 3]
        long ppid = Long.parseLong(f[1]);
        long utime = Long.parseLong(f[11]);
        long stime = Long.parseLong(f[12]);
        long cutime = Long.parseLong(f[13]);
        long cstime = Long.parseLong(f[14]);
        long start = Long.parseLong(f[19]);
        return new ProcInfo(pid, ppid, comm, cmdline, utime + stime, cutime + cstime, start);
    }

    /** Every process whose pid is a number in /proc, by pid. */
    public static Map<Long, Long> parents() {
        Map<Long, Long> parentOf = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path dir : dirs) {
                try {
                    String stat = Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1);
                    int close = stat.lastIndexOf(')');
                    String[] f = stat.substring(close + 2).split(" ", 3);
                    parentOf.put(Long.parseLong(dir.getFileName().toString()), Long.parseLong(f[1]));
                } catch (IOException | RuntimeException e) {
                    // gone while we looked
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return parentOf;
    }

    /** The root and all its live descendants (zombies included until reaped), root first. */
    public static List<ProcInfo> tree(long root) {
        Map<Long, List<Long>> children = new HashMap<>();
        parents().forEach((pid, ppid) -> children.computeIfAbsent(ppid, k -> new ArrayList<>()).add(pid));
        List<ProcInfo> result = new ArrayList<>();
        Deque<Long> todo = new ArrayDeque<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            long pid = todo.poll();
            read(pid).ifPresent(result::add);
            todo.addAll(children.getOrDefault(pid, List.of()));
        }
        return result;
    }

    /** CPU of the whole tree so far, in ticks: live processes' own time plus what they reaped. */
    public static long treeTicks(long root) {
        long sum = 0;
        for (ProcInfo p : tree(root)) {
            sum += p.totalTicks();
        }
        return sum;
    }

    /** RSS and PSS in kB from /proc/PID/smaps_rollup, or empty when the process is gone. */
    public static Optional<long[]> rssPssKb(long pid) {
        try {
            long rss = -1;
            long pss = -1;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Rss:")) {
                    rss = kb(line);
                } else if (line.startsWith("Pss:")) {
                    pss = kb(line);
                }
            }
            return rss < 0 || pss < 0 ? Optional.empty() : Optional.of(new long[] {rss, pss});
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    /** Per-thread CPU ticks of one process, keyed by thread name (/proc/PID/task/TID/comm). */
    public static Map<Long, ThreadTicks> threads(long pid) {
        Map<Long, ThreadTicks> result = new HashMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tasks)) {
            for (Path dir : dirs) {
                try {
                    String stat = Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1);
                    ProcInfo t = parseStat(stat, "");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
                    long[] switches = contextSwitches(dir.resolve("status"));
                    result.put(t.pid(), new ThreadTicks(t.pid(), t.comm(), Long.parseLong(f[11]), Long.parseLong(f[12]),
                            switches[0], switches[1]));
                } catch (IOException | RuntimeException e) {
                    // thread ended
                }
            }
        } catch (IOException e) {
            // process gone
        }
        return result;
    }

    /** voluntary_ctxt_switches and nonvoluntary_ctxt_switches from a status file. */
    private static long[] contextSwitches(Path status) throws IOException {
        long[] switches = new long[2];
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
                switches[0] = kb(line);
            } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                switches[1] = kb(line);
            }
        }
        return switches;
    }

    /**
     * One thread's name, CPU ticks in user space and in the kernel, and how often it gave up the CPU
     * (voluntary: it blocked, i.e. one wake-up later; involuntary: it was preempted).
     */
    public record ThreadTicks(long tid, String name, long userTicks, long systemTicks, long voluntarySwitches,
                              long involuntarySwitches) {
    }
}
