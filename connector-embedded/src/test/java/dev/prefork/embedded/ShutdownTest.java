package dev.prefork.embedded;

import dev.prefork.embedded.beans.EchoListener;
import dev.prefork.embedded.beans.HeldStart;
import dev.prefork.embedded.junit.LineClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM running {@link Main} that a signal ends, as a terminal's Ctrl-C or a service manager ends it,
 * leaves nothing behind, and leaves it so by the time it has exited: every supervisor and worker has
 * ended, the port is free, and the runtime directory holds nothing new (no private directory with its
 * sockets, lock file and scoreboard). Not a moment later: whatever cleans up after the JVM
 * ({@code bin/sample embedded}, a service manager) kills what is left at once, and a supervisor killed so
 * leaves its private directory behind.
 *
 * <p>The host runs in a session of its own with SIGINT at its default ({@code setsid env
 * --default-signal=INT}: a child of a background job would have it ignored, field notes section 5), so a
 * SIGINT to its process group is what a terminal's Ctrl-C sends.
 */
class ShutdownTest {
    private static final Pattern LISTENING = Pattern.compile("listening on \\[127\\.0\\.0\\.1:(\\d+)]");
    private static final Pattern HOLDING = Pattern.compile("holding the start: echo-test on (\\d+)");
    private static final String STOPPED = "prefork: stopped; nothing left running";

    /**
     * Shared by the tests: the engine's cache in it (worker class-data archive) is then made once, not per
     * test; each test lists it before its start, so the previous test's leftovers cannot hide its own.
     */
    @TempDir
    static Path runtimeDir;
    @TempDir
    Path tempDir;
    private Process host;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private Thread reader;

    @AfterEach
    void killLeftovers() {
        if (host != null) {
            host.descendants().forEach(ProcessHandle::destroyForcibly);
            host.destroyForcibly();
        }
        Leftovers.killDescendants();
    }

    @Test
    void sigtermOfTheHostJvmStopsEveryPoolAndLeavesNothing() throws Exception {
        Leftovers leftovers = new Leftovers(runtimeDir);
        int port = startHost(LISTENING, List.of(), List.of());
        served(leftovers, port);
        assertEquals(1 + 2, leftovers.processCount(), "the supervisor and its two workers");

        // SIGTERM through the handle: Process.destroy() would also close our end of the host's output.
        host.toHandle().destroy();
        awaitExit();
        assertTrue(output.contains(STOPPED), output + "\n" + Files.readString(tempDir.resolve("host.log")));
        leftovers.assertNoneLeftAtOnce();
    }

    /**
     * The Ctrl-C that left the private directories behind: it came while the container was starting, the
     * port answering and {@code initialize()} not yet returned, and the JVM had no shutdown hook that
     * could stop the pool. {@link HeldStart} holds the start at that point, so this is no race.
     */
    @Test
    void ctrlCToTheHostsProcessGroupWhileTheContainerStartsLeavesNothing() throws Exception {
        Leftovers leftovers = new Leftovers(runtimeDir);
        int port = startHost(HOLDING, List.of("-D" + HeldStart.PROPERTY + "=true"), List.of(HeldStart.class.getName()));
        served(leftovers, port);

        ctrlC();
        awaitExit();
        leftovers.assertNoneLeftAtOnce();
    }

    /**
     * The supervisor ends first (a SIGINT that reached it too, say), then Ctrl-C reaches the host while its
     * keeper notices the death or starts a successor: the host still removes the private directory.
     */
    @Test
    void ctrlCAfterTheSupervisorEndedFirstLeavesNothing() throws Exception {
        Leftovers leftovers = new Leftovers(runtimeDir);
        int port = startHost(LISTENING, List.of(), List.of());
        served(leftovers, port);
        List<ProcessHandle> supervisors = host.toHandle().children().toList();
        assertEquals(1, supervisors.size(), "one supervisor: " + supervisors);

        signal("INT", Long.toString(supervisors.get(0).pid()));
        assertTrue(supervisors.get(0).onExit().thenApply(p -> true).get(30, TimeUnit.SECONDS));
        leftovers.processesBelow(host.toHandle()); // a successor the keeper may have started meanwhile
        ctrlC();
        awaitExit();
        assertTrue(output.contains(STOPPED), output + "\n" + Files.readString(tempDir.resolve("host.log")));
        leftovers.assertNoneLeftAtOnce();
    }

    /** Starts Main with EchoListener (and {@code beans}) in a session of its own; returns the port {@code ready} names. */
    private int startHost(Pattern ready, List<String> jvmOptions, List<String> beans) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of("setsid", "env", "--default-signal=INT", java.toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "-Dprefork.runtime_dir=" + runtimeDir));
        command.addAll(jvmOptions);
        command.add(Main.class.getName());
        command.add(EchoListener.class.getName());
        command.addAll(beans);
        host = new ProcessBuilder(command).redirectError(tempDir.resolve("host.log").toFile()).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    output.add(line);
                    Matcher matcher = ready.matcher(line);
                    if (matcher.find()) {
                        port.complete(Integer.parseInt(matcher.group(1)));
                    }
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("the host ended its output before it was ready: " + output));
        }, "host-output");
        reader.setDaemon(true);
        reader.start();
        int readyPort = port.get(60, TimeUnit.SECONDS);
        // setsid execs (it forks only when already a group leader, which a child of ours is not): the host
        // JVM is this process and leads its process group, so a SIGINT to the group is a terminal's Ctrl-C.
        String stat = Files.readString(Path.of("/proc", Long.toString(host.pid()), "stat"));
        assertEquals(Long.toString(host.pid()), stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2],
                "the host leads its own process group");
        return readyPort;
    }

    /** A worker answers through the host; then records the host's processes and the port. */
    private void served(Leftovers leftovers, int port) throws Exception {
        try (LineClient client = LineClient.connect(new InetSocketAddress("127.0.0.1", port))) {
            assertEquals("served by a separate JVM", client.ask("served by a separate JVM"));
        }
        leftovers.processesBelow(host.toHandle()).port(port);
        assertTrue(leftovers.processCount() >= 2, "a supervisor and a worker at least");
    }

    /** SIGINT to the host's whole process group, as a terminal's Ctrl-C sends it. */
    private void ctrlC() throws Exception {
        signal("INT", "-" + host.pid());
    }

    private static void signal(String name, String target) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, "--", target).redirectErrorStream(true).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS), "kill returns");
        assertEquals(0, kill.exitValue(), "kill -" + name + " -- " + target + ": " + new String(kill.getInputStream().readAllBytes()));
    }

    private void awaitExit() throws Exception {
        assertTrue(host.waitFor(60, TimeUnit.SECONDS), "the host JVM exits after the signal");
        reader.join(TimeUnit.SECONDS.toMillis(10));
    }
}
