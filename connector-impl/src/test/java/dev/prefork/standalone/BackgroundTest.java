package dev.prefork.standalone;

import dev.prefork.engine.LineClient;
import dev.prefork.it.ProcStat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Net::Server's {@code background}, as an init script uses it: the starting command returns 0 once
 * the server serves, the process the pid_file names is a session leader with /dev/null for its
 * standard streams and serves (its supervisor in its session), and SIGTERM to it stops everything and
 * removes the pid file. A start that fails in the background still fails the starting command, saying why.
 */
class BackgroundTest {

    private static final Pattern SUPERVISOR_PID = Pattern.compile("supervisor pid (\\d+)");
    private static final Pattern BOUND = Pattern.compile("on \\[127\\.0\\.0\\.1:(\\d+)]");

    /** Whatever the test started, killed at the end if still there. */
    private final List<ProcessHandle> started = new ArrayList<>();

    @AfterEach
    void killWhatIsLeft() throws Exception {
        LauncherCommand.stopAll(started);
    }

    private Process start(Path dir, String... args) throws IOException {
        List<String> command = LauncherCommand.of("--handler", "echo", "--max_servers", "2", "--background", "1",
                "--log_file", dir.resolve("server.log").toString());
        command.addAll(List.of(args));
        Process starter = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(starter.toHandle());
        starter.getOutputStream().close();
        return starter;
    }

    @Test
    void theCommandReturnsTheDaemonServesAndTermStopsEverything(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("server.pid");
        Process starter = start(dir, "--port", "127.0.0.1:0", "--pid_file", pidFile.toString());
        assertTrue(starter.waitFor(180, TimeUnit.SECONDS), "the starting command did not return");
        String said = new String(starter.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, starter.exitValue(), said);

        long daemonPid = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle daemon = ProcessHandle.of(daemonPid).orElseThrow(() -> new AssertionError("pid_file names no process: " + said));
        started.add(daemon);
        assertNotEquals(starter.pid(), daemonPid);
        assertTrue(said.contains(Background.DETACHED + daemonPid), said);
        assertEquals(daemonPid, ProcStat.of(daemonPid).session(), "the daemon leads a session of its own");
        for (int fd = 0; fd <= 2; fd++) {
            assertEquals(Path.of("/dev/null"), Files.readSymbolicLink(Path.of("/proc/" + daemonPid + "/fd/" + fd)),
                    "standard stream " + fd);
        }
        Matcher supervisorPid = SUPERVISOR_PID.matcher(said);
        Matcher port = BOUND.matcher(said);
        assertTrue(supervisorPid.find() && port.find(), said);
        long supervisor = Long.parseLong(supervisorPid.group(1));
        assertEquals(daemonPid, ProcStat.of(supervisor).session(), "the supervisor is in the daemon's session");
        assertEquals("still here", LineClient.echoOnce(Integer.parseInt(port.group(1)), "still here"), "the daemon serves");

        List<ProcessHandle> tree = new ArrayList<>(daemon.descendants().toList());
        assertTrue(tree.size() >= 3, "the supervisor and 2 workers: " + tree);
        daemon.destroy(); // SIGTERM, as an init script's stop sends to the pid_file's process
        daemon.onExit().get(60, TimeUnit.SECONDS);
        for (ProcessHandle process : tree) {
            process.onExit().get(60, TimeUnit.SECONDS);
        }
        assertFalse(Files.exists(pidFile), "the pid file is removed at stop");
        assertTrue(Files.readString(dir.resolve("server.log")).contains("prefork: stopped"), "the stop reached the log_file");
    }

    @Test
    void aStartThatFailsInTheBackgroundFailsTheCommand(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Process starter = start(dir, "--port", "127.0.0.1:" + taken.getLocalPort());
            assertTrue(starter.waitFor(180, TimeUnit.SECONDS), "the starting command did not return");
            String said = new String(starter.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertNotEquals(0, starter.exitValue(), said);
            assertTrue(said.contains("127.0.0.1:" + taken.getLocalPort()) && said.contains("in use"), said);
            assertFalse(said.contains(Background.DETACHED), said);
        }
    }
}
