package dev.prefork.engine;

import dev.prefork.it.ProcStat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** What the engine tests read from /proc, and bounded waits for conditions that have no event to await. */
final class Processes {
    private Processes() {
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    static List<Long> children(long pid) {
        return ProcessHandle.of(pid).map(p -> p.children().map(ProcessHandle::pid).toList()).orElse(List.of());
    }

    /** The targets of every open descriptor of {@code pid}, e.g. "socket:[123]", "pipe:[45]", "/tmp/x". */
    static List<String> descriptorTargets(long pid) throws IOException {
        List<String> targets = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    targets.add(fd.getFileName() + "=" + Files.readSymbolicLink(fd));
                } catch (IOException e) {
                    // closed while we listed it
                }
            }
        }
        return targets;
    }

    static String descriptorTarget(long pid, int fd) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", Integer.toString(fd))).toString();
    }

    /**
     * Whether every thread of {@code pid} is stopped (state T or t in /proc/PID/task/TID/stat). kill(2)
     * returns before a SIGSTOP takes effect: until each thread has run and handled it, a thread blocked
     * in accept() can still take a client that arrives meanwhile, and be stopped holding it.
     */
    static boolean stopped(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                if (!ProcStat.read(task.resolve("stat")).stopped()) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false; // gone, or a thread exited while we listed them
        }
    }

    /** Resident set size in kB, from /proc/PID/status. */
    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    /**
     * Re-checks {@code condition} every 20 ms until it holds or {@code timeout} passes. Used only where
     * the condition is outside our control (a process exiting, the kernel delivering a signal).
     */
    static boolean eventually(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
    }

    /** Kills every descendant of this JVM: the safety net behind each test, whatever it left running. */
    static void killDescendants() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    }

    /** The ids of every SysV semaphore set on the machine, from {@code ipcs -s}. */
    static List<String> semaphoreIds() throws IOException, InterruptedException {
        Process ipcs = new ProcessBuilder("ipcs", "-s").redirectErrorStream(true).start();
        List<String> ids = new ArrayList<>();
        try (var reader = ipcs.inputReader()) {
            for (String line; (line = reader.readLine()) != null; ) {
                String[] words = line.trim().split("\\s+");
                if (words.length >= 5 && words[0].startsWith("0x")) {
                    ids.add(words[1]);
                }
            }
        }
        ipcs.waitFor();
        return ids;
    }
}
