package dev.prefork.standalone;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Net::Server's pid_file, with the launcher run as an init script runs it: the file holds the
 * launcher's pid once its port is bound, a second copy over a live pid refuses to start naming the file
 * and the pid, a stale file is replaced with a line saying so, and SIGTERM removes it.
 */
class PidFileTest {

    private final List<Process> launchers = new ArrayList<>();

    @AfterEach
    void stopEveryLauncher() throws InterruptedException {
        for (Process launcher : launchers) {
            launcher.destroy(); // SIGTERM: the shutdown hook stops the pool and removes the pid file
            if (!launcher.waitFor(60, TimeUnit.SECONDS)) {
                launcher.destroyForcibly();
                launcher.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private Process launch(String... args) throws IOException {
        List<String> command = LauncherCommand.of("--handler", "echo", "--port", "127.0.0.1:0", "--max_servers", "1");
        command.addAll(List.of(args));
        return LauncherCommand.start(command, launchers);
    }

    @Test
    void writtenOnceBoundRefusesASecondCopyAndIsRemovedAtStop(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("prefork.pid");
        Process first = launch("--pid_file", pidFile.toString());
        LauncherOutput.awaitLine(LauncherOutput.follow(first.getInputStream()), "workers accepting");
        assertEquals(first.pid() + "\n", Files.readString(pidFile));

        // Net::Daemon's name for it, from a conf_file: the same file, now naming a running process.
        Path conf = dir.resolve("second.conf");
        Files.writeString(conf, "pidfile " + pidFile + "\n");
        Process second = launch("--conf_file", conf.toString());
        assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the second launcher did not give up");
        String output = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, second.exitValue(), output);
        assertTrue(output.contains("pid_file " + pidFile + " names process " + first.pid() + ", which is running"), output);
        assertTrue(output.contains("conf_file " + conf), "says where the setting came from: " + output);
        assertEquals(first.pid() + "\n", Files.readString(pidFile), "the refused copy left the file alone");

        first.destroy();
        assertTrue(first.waitFor(60, TimeUnit.SECONDS), "the launcher did not stop on SIGTERM");
        assertFalse(Files.exists(pidFile), "the pid file is removed at stop");
    }

    @Test
    void aStaleFileIsReplacedSayingSo(@TempDir Path dir) throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(10, TimeUnit.SECONDS));
        Path pidFile = dir.resolve("prefork.pid");
        Files.writeString(pidFile, gone.pid() + "\n");

        Process launcher = launch("--pid_file", pidFile.toString());
        BlockingQueue<String> lines = LauncherOutput.follow(launcher.getInputStream());
        String said = LauncherOutput.awaitLine(lines, "pid_file " + pidFile);
        assertTrue(said.contains("named process " + gone.pid() + ", which is not running: replacing it"), said);
        LauncherOutput.awaitLine(lines, "workers accepting");
        assertEquals(launcher.pid() + "\n", Files.readString(pidFile));
    }

    @Test
    void aDirectoryIsRefusedBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        // The PreForkSimple man page's rendering of test.conf has "pid_file /tmp/": a directory, not a file.
        Process launcher = launch("--pid_file", dir + "/");
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher did not give up");
        String output = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, launcher.exitValue(), output);
        assertTrue(output.contains("pid_file='" + dir + "' is not valid: it is a directory"), output);
        assertTrue(output.contains("command line --pid_file"), output);
    }
}
