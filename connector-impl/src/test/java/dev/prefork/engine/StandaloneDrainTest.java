package dev.prefork.engine;

import dev.prefork.it.FreePorts;
import dev.prefork.standalone.LauncherCommand;
import dev.prefork.standalone.LauncherOutput;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM to the standalone launcher, as an init system or {@code kill} sends it, is a stop like any
 * other: with drain_timeout the launcher first tells balancers to drain (agent-check {@code drain}) and
 * keeps serving that long, then stops its pool and exits. A real launcher process and a real signal.
 */
class StandaloneDrainTest {
    private static final Pattern BOUND = Pattern.compile("on \\[127\\.0\\.0\\.1:(\\d+)]");
    private static final int DRAIN_SECONDS = 5;

    @Test
    void sigtermDrainsForDrainTimeoutThenTheLauncherStops() throws Exception {
        String agent = "127.0.0.1:" + FreePorts.one("127.0.0.1");
        Process launcher = new ProcessBuilder(LauncherCommand.of("--handler", "echo", "--port", "127.0.0.1:0", "--max_servers", "2",
                "--agent_port", agent, "--drain_timeout", Integer.toString(DRAIN_SECONDS))).redirectErrorStream(true).start();
        try {
            launcher.getOutputStream().close();
            BlockingQueue<String> lines = LauncherOutput.follow(launcher.getInputStream());
            Matcher bound = BOUND.matcher(LauncherOutput.awaitLine(lines, "workers accepting"));
            assertTrue(bound.find());
            int port = Integer.parseInt(bound.group(1));
            assertTrue(Processes.eventually(Duration.ofSeconds(30), () -> AgentCheck.lineOrEmpty(agent).startsWith("up ready")),
                    "the agent says up before the signal");

            long signalled = System.nanoTime();
            Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(launcher.pid())).inheritIO().start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0);

            assertTrue(Processes.eventually(Duration.ofSeconds(DRAIN_SECONDS - 2), () -> AgentCheck.lineOrEmpty(agent).equals("drain")),
                    "the agent says drain soon after SIGTERM");
            assertEquals("served while draining", LineClient.echoOnce(port, "served while draining"), "the pool serves during the drain");
            assertTrue(launcher.isAlive(), "the launcher waits out drain_timeout");

            assertTrue(launcher.waitFor(120, TimeUnit.SECONDS), "the launcher stopped after the drain");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
            assertTrue(millis >= DRAIN_SECONDS * 1000L - 500, "stopped after drain_timeout, not at once: " + millis + " ms");
            assertEquals(143, launcher.exitValue(), "stopped by SIGTERM through its shutdown hook");
            assertEquals("", AgentCheck.lineOrEmpty(agent), "the agent port is closed once stopped");
            LauncherOutput.awaitLine(lines, "stopped");
        } finally {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
            launcher.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
