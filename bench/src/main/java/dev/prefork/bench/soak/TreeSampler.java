package dev.prefork.bench.soak;

import dev.prefork.bench.proc.Proc;
import dev.prefork.bench.proc.ProcInfo;
import dev.prefork.bench.server.RunningServer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads the server's whole process tree from /proc and sums it by role. */
final class TreeSampler {
    private final RunningServer server;

    TreeSampler(RunningServer server) {
        this.server = server;
    }

    List<RoleSample> sample(long secondsIn) {
        Map<String, long[]> byRole = new TreeMap<>(); // processes, zombies, fds, threads, rss, pss
        for (ProcInfo process : server.tree()) {
            String role = server.target().role(process, server.rootPid());
            long[] sums = byRole.computeIfAbsent(role, k -> new long[6]);
            sums[0]++;
            if (isZombie(process.pid())) {
                sums[1]++;
                continue;
            }
            sums[2] += descriptors(process.pid());
            sums[3] += threads(process.pid());
            long[] memory = Proc.rssPssKb(process.pid()).orElse(new long[2]);
            sums[4] += memory[0];
            sums[5] += memory[1];
        }
        List<RoleSample> samples = new ArrayList<>();
        byRole.forEach((role, s) -> samples.add(new RoleSample(secondsIn, role, (int) s[0], (int) s[1], s[2], s[3], s[4], s[5])));
        return samples;
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException | RuntimeException e) {
            return false; // gone meanwhile
        }
    }

    private static long descriptors(long pid) {
        long n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path ignored : fds) {
                n++;
            }
        } catch (IOException e) {
            return 0; // gone meanwhile
        }
        return n;
    }

    private static long threads(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("Threads:")) {
                    return Long.parseLong(line.substring("Threads:".length()).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone meanwhile
        }
        return 0;
    }
}
