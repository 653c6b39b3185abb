package dev.prefork.standalone;

import dev.prefork.engine.LineClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Ctrl-C that reaches the launcher while its pool starts (the supervisor is up and a worker serves,
 * {@code PreforkEngine.start} has not returned) leaves nothing, and leaves it so by the time the launcher
 * has exited: no process of its tree, the port free, nothing new in the runtime directory (no private
 * directory with its sockets, lock file and scoreboard). Not a moment later: whatever cleans up after the
 * launcher (a script, a service manager) kills what is left at once, and a supervisor killed so leaves
 * its private directory behind.
 *
 * <p>{@link HeldStartLauncher} holds the start at that point until the JVM begins to exit, so the
 * signal comes inside the window every time. The launcher runs in a session of its own with SIGINT at
 * its default ({@code setsid env --default-signal=INT}: a child of a background job would have it
 * ignored, field notes section 5), so a SIGINT to its process group is what a terminal's Ctrl-C sends.
 */
class CtrlCDuringStartTest {
    private static final Pattern HELD = Pattern.compile("supervisor pid (\\d+) listening on \\[127\\.0\\.0\\.1:(\\d+)]");
    /** The engine's shared cache (process jar, class-data archives): kept for the next start by design. */
    private static final String CACHE_PREFIX = "prefork-cache-";

    @TempDir
    Path runtimeDir;
    private final List<Process> launchers = new ArrayList<>();
    private final List<ProcessHandle> tree = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws Exception {
        LauncherCommand.stopAll(launchers.stream().map(Process::toHandle).toList());
        for (ProcessHandle process : tree) {
            process.destroyForcibly();
            process.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void ctrlCWhileThePoolStartsLeavesNothingOnceTheLauncherExited() throws Exception {
        Set<String> before = entries(runtimeDir);
        List<String> command = new ArrayList<>(List.of("setsid", "env", "--default-signal=INT"));
        command.addAll(LauncherCommand.withMain(HeldStartLauncher.class.getName(), "--handler", "echo",
                "--port", "127.0.0.1:0", "--max_servers", "1", "--log_level", "2", "--runtime_dir", runtimeDir.toString()));
        Process launcher = LauncherCommand.start(command, launchers);
        BlockingQueue<String> lines = LauncherOutput.follow(launcher.getInputStream());
        Matcher held = HELD.matcher(LauncherOutput.awaitLine(lines, HeldStartLauncher.HOLDING));
        assertTrue(held.find(), held.toString());
        long supervisor = Long.parseLong(held.group(1));
        int port = Integer.parseInt(held.group(2));
        assertEquals("inside the start", LineClient.echoOnce(port, "inside the start"), "a worker serves while the start is held");
        tree.addAll(launcher.descendants().toList());
        assertTrue(tree.stream().anyMatch(p -> p.pid() == supervisor), "the supervisor " + supervisor + " is below the launcher: " + tree);
        assertTrue(tree.size() >= 2, "a supervisor and a worker at least: " + tree);
        // setsid execs (it forks only when already a group leader, which a child of ours is not): the
        // launcher JVM is this process and leads its process group.
        String stat = Files.readString(Path.of("/proc", Long.toString(launcher.pid()), "stat"));
        assertEquals(Long.toString(launcher.pid()), stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2],
                "the launcher leads its own process group");

        Process kill = new ProcessBuilder("kill", "-INT", "--", "-" + launcher.pid()).redirectErrorStream(true).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS), "kill returns");
        assertEquals(0, kill.exitValue(), new String(kill.getInputStream().readAllBytes()));
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher exits after Ctrl-C");

        // At once: the launcher has exited, and nothing of it may still be running or left on disk.
        assertEquals(List.of(), tree.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList(),
                "processes of the launcher's tree alive when it exited");
        List<String> left = entries(runtimeDir).stream()
                .filter(entry -> !before.contains(entry) && !entry.startsWith(CACHE_PREFIX))
                .sorted()
                .toList();
        assertEquals(List.of(), left, "left in the runtime directory " + runtimeDir + " when the launcher exited");
        assertPortFree(port);
        LauncherOutput.awaitLine(lines, "prefork: stopped");
    }

    private static void assertPortFree(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(port, probe.getLocalPort());
        } catch (IOException e) {
            throw new AssertionError("port " + port + " is still bound when the launcher exited: " + e, e);
        }
    }

    private static Set<String> entries(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
