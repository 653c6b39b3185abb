package dev.prefork.standalone;

import dev.prefork.engine.LineClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Net::Server's QUIT (a graceful stop) cannot reach the launcher: the JVM keeps SIGQUIT for its thread
 * dump and refuses a handler for it. So QUIT here prints the dump and changes nothing (the server
 * goes on serving), and TERM (or INT) is the stop, graceful as QUIT is there, as README's table says.
 */
class QuitSignalTest {
    private static final Pattern BOUND = Pattern.compile("on \\[127\\.0\\.0\\.1:(\\d+)]");

    private final List<Process> launchers = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process launcher : launchers) {
            launcher.destroyForcibly();
            launcher.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void quitDumpsThreadsAndTheServerGoesOn() throws Exception {
        Process launcher = LauncherCommand.start(LauncherCommand.of("--handler", "echo", "--port", "127.0.0.1:0",
                "--max_servers", "1"), launchers);
        BlockingQueue<String> lines = LauncherOutput.follow(launcher.getInputStream());
        Matcher port = BOUND.matcher(LauncherOutput.awaitLine(lines, "workers accepting"));
        assertTrue(port.find());

        Process quit = new ProcessBuilder("kill", "-QUIT", Long.toString(launcher.pid())).start();
        assertTrue(quit.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, quit.exitValue());
        LauncherOutput.awaitLine(lines, "Full thread dump");
        assertEquals("after QUIT", LineClient.echoOnce(Integer.parseInt(port.group(1)), "after QUIT"), "QUIT did not stop it");
        assertTrue(launcher.isAlive());

        launcher.destroy(); // SIGTERM, the stop that replaces QUIT
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "TERM did not stop it");
    }
}
