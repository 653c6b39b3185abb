package dev.prefork.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What a running host owns, recorded while it runs, so that a test can check after the stop that none of
 * it is left: processes (supervisors and workers), TCP ports, and the pools' private directories (bridge
 * socket, generated lock file, scoreboard) under the runtime directory.
 */
final class Leftovers {
    private final List<ProcessHandle> processes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    /** Every process below {@code root} now. */
    Leftovers processesBelow(ProcessHandle root) {
        root.descendants().forEach(processes::add);
        return this;
    }

    Leftovers port(int port) {
        ports.add(port);
        return this;
    }

    int processCount() {
        return processes.size();
    }

    /** Fails unless every recorded process ended, every port can be bound again, and no private directory of {@code names} remains in {@code runtimeDir}. */
    void assertNoneLeft(Path runtimeDir, String... names) throws Exception {
        // The stop returned after the supervisor reported its workers gone; the kernel may still be reaping.
        assertTrue(eventually(Duration.ofSeconds(10), () -> processes.stream().noneMatch(ProcessHandle::isAlive)),
                "processes still alive: " + processes.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList());
        for (int port : ports) {
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertEquals(port, probe.getLocalPort());
            } catch (IOException e) {
                fail("port " + port + " is still bound: " + e);
            }
        }
        try (Stream<Path> entries = Files.list(runtimeDir)) {
            List<String> left = entries.map(p -> p.getFileName().toString())
                    .filter(entry -> Stream.of(names).anyMatch(name -> entry.startsWith("prefork-" + name + "-")))
                    .toList();
            assertEquals(List.of(), left, "private directories left in " + runtimeDir);
        }
    }

    /** Re-checks a condition the kernel makes true (a process reaped) every 20 ms, within a bound. */
    static boolean eventually(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** The safety net behind each test: whatever a failed test left running. */
    static void killDescendants() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    }
}
