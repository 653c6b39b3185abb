package dev.prefork.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What a running host owns, recorded while it runs, so that a test can check after the stop that none of
 * it is left: processes (supervisors and workers), TCP ports, and whatever the pools made in the runtime
 * directory (each pool's private directory with its bridge socket, supervisor socket, lock file and
 * scoreboard), found by listing the directory before the start and after the stop.
 */
final class Leftovers {
    /** The engine's shared cache (process jar, class-data archives): kept for the next start by design. */
    private static final String CACHE_PREFIX = "prefork-cache-";

    private final Path runtimeDir;
    private final Set<String> before;
    private final Set<ProcessHandle> processes = new LinkedHashSet<>();
    private final List<Integer> ports = new ArrayList<>();

    /** Lists {@code runtimeDir} now, before the host starts. */
    Leftovers(Path runtimeDir) throws IOException {
        this.runtimeDir = runtimeDir;
        this.before = entries(runtimeDir);
    }

    /** Every process below {@code root} now (added to those recorded before). */
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

    /**
     * Fails unless every recorded process ended, every port can be bound again, and the runtime directory
     * holds nothing new but the shared cache.
     */
    void assertNoneLeft() throws Exception {
        // The stop returned after the supervisor reported its workers gone; the kernel may still be reaping.
        assertTrue(eventually(Duration.ofSeconds(10), () -> processes.stream().noneMatch(ProcessHandle::isAlive)),
                "processes still alive: " + alive());
        assertNothingElseLeft();
    }

    /**
     * The same, but at once, with no time for the kernel or anyone else to finish: for a host JVM that has
     * just exited, which must not exit before its pools are stopped (whoever cleans up after it, a script
     * or a service manager, kills what it left, and a supervisor killed so leaves its private directory).
     */
    void assertNoneLeftAtOnce() throws Exception {
        assertEquals(List.of(), alive(), "processes still alive when the host JVM exited");
        assertNothingElseLeft();
    }

    private List<Long> alive() {
        return processes.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
    }

    private void assertNothingElseLeft() throws IOException {
        for (int port : ports) {
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertEquals(port, probe.getLocalPort());
            } catch (IOException e) {
                fail("port " + port + " is still bound: " + e);
            }
        }
        List<String> left = entries(runtimeDir).stream()
                .filter(entry -> !before.contains(entry) && !entry.startsWith(CACHE_PREFIX))
                .sorted()
                .toList();
        assertEquals(List.of(), left, "left in the runtime directory " + runtimeDir + " (nothing there before the start)");
    }

    private static Set<String> entries(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
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
