package dev.prefork.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The standalone launcher ({@code java -jar prefork.jar --handler echo}) as the second node behind
 * HAProxy: PROXY v2 from 127.0.0.1 only, a status port, an agent port and drain_timeout, on ports the
 * kernel says are free. Its output goes to a file in target/. {@link #close} sends SIGTERM (the launcher
 * drains and stops), and kills what is left after a bounded wait.
 */
final class StandaloneNode implements AutoCloseable {
    final int port;
    final int statusPort;
    final int agentPort;
    private final Process launcher;
    private final Path log;

    private StandaloneNode(Process launcher, Path log, int port, int statusPort, int agentPort) {
        this.launcher = launcher;
        this.log = log;
        this.port = port;
        this.statusPort = statusPort;
        this.agentPort = agentPort;
    }

    /** Starts the launcher from {@code jar} on {@code host}; returns once its workers accept. */
    static StandaloneNode start(Path jar, String host, int drainSeconds, Path logDirectory) throws IOException {
        int[] ports = FreePorts.on(host, 3);
        int port = ports[0];
        int statusPort = ports[1];
        int agentPort = ports[2];
        Files.createDirectories(logDirectory);
        Path log = logDirectory.resolve("standalone-node-" + port + ".log");
        Process launcher = new ProcessBuilder(List.of(Path.of(System.getProperty("workers.java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(), "--handler", "echo", "--name", "standalone-node",
                "--port", host + ":" + port, "--max_servers", "2", "--proxy_protocol", "v2", "--proxy_allow", "127.0.0.1",
                "--status_port", host + ":" + statusPort, "--agent_port", host + ":" + agentPort,
                "--drain_timeout", Integer.toString(drainSeconds)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        StandaloneNode node = new StandaloneNode(launcher, log, port, statusPort, agentPort);
        try {
            Await.until("the standalone node's workers to accept", Duration.ofSeconds(120),
                    () -> node.output().contains("workers accepting") || !launcher.isAlive(), node::output);
            if (!launcher.isAlive()) {
                throw new IOException("the standalone launcher exited " + launcher.exitValue() + ":\n" + node.output());
            }
        } catch (IOException | RuntimeException | Error e) {
            node.close();
            throw e;
        }
        return node;
    }

    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() {
        launcher.destroy(); // SIGTERM: the launcher drains for drain_timeout, then stops its pool
        try {
            if (!launcher.waitFor(60, TimeUnit.SECONDS)) {
                System.err.println("clean-up: the standalone launcher did not stop after SIGTERM:\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Command.killTree(launcher.pid());
    }
}
