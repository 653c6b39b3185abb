package dev.prefork.embedded;

import dev.prefork.embedded.beans.EchoListener;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIGTERM (what Ctrl-C or a service manager sends) to a JVM running {@link Main} leaves nothing behind. */
class ShutdownTest {
    private static final Pattern LISTENING = Pattern.compile("listening on \\[127\\.0\\.0\\.1:(\\d+)]");

    @TempDir
    Path runtimeDir;
    private Process host;

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
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        host = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                "-Dprefork.runtime_dir=" + runtimeDir,
                Main.class.getName(), EchoListener.class.getName())
                .redirectError(runtimeDir.resolve("host.log").toFile())
                .start();
        List<String> output = new CopyOnWriteArrayList<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    output.add(line);
                    Matcher listening = LISTENING.matcher(line);
                    if (listening.find()) {
                        port.complete(Integer.parseInt(listening.group(1)));
                    }
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("the host ended its output before listening: " + output));
        }, "host-output");
        reader.setDaemon(true);
        reader.start();

        int echoPort = port.get(60, TimeUnit.SECONDS);
        try (LineClient client = LineClient.connect(new InetSocketAddress("127.0.0.1", echoPort))) {
            assertEquals("served by a separate JVM", client.ask("served by a separate JVM"));
        }
        Leftovers leftovers = new Leftovers().processesBelow(host.toHandle()).port(echoPort);
        assertEquals(1 + 2, leftovers.processCount(), "the supervisor and its two workers");

        // SIGTERM through the handle: Process.destroy() would also close our end of the host's output.
        host.toHandle().destroy();
        assertTrue(host.waitFor(60, TimeUnit.SECONDS), "the host JVM exits after SIGTERM");
        reader.join(TimeUnit.SECONDS.toMillis(10));
        assertTrue(output.contains("prefork: stopped; nothing left running"),
                output + "\n" + Files.readString(runtimeDir.resolve("host.log")));
        leftovers.assertNoneLeft(runtimeDir, "echo-test");
    }
}
