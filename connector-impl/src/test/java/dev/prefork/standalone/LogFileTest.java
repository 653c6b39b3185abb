package dev.prefork.standalone;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Net::Server's log_file and log_level, with the launcher as a process: its lines and the engine's go
 * to the file, log_level 0 keeps notices out, and after logrotate renames the file SIGUSR1 starts a new
 * one.
 */
class LogFileTest {

    private final List<Process> launchers = new ArrayList<>();

    @AfterEach
    void stopEveryLauncher() throws InterruptedException {
        for (Process launcher : launchers) {
            launcher.destroy();
            if (!launcher.waitFor(60, TimeUnit.SECONDS)) {
                launcher.destroyForcibly();
                launcher.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private BlockingQueue<String> launch(String... args) throws IOException {
        List<String> command = LauncherCommand.of("--handler", "echo", "--port", "127.0.0.1:0", "--max_servers", "1");
        command.addAll(List.of(args));
        Process launcher = new ProcessBuilder(command).redirectErrorStream(true).start();
        launchers.add(launcher);
        launcher.getOutputStream().close();
        return LauncherOutput.follow(launcher.getInputStream());
    }

    @Test
    void everyLineGoesToTheFileAndUsr1StartsANewOneAfterARename(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("prefork.log");
        Files.writeString(log, "an earlier line\n");
        BlockingQueue<String> lines = launch("--logfile", log.toString(), "--log_level", "2");
        LauncherOutput.awaitLine(lines, "workers accepting");
        Process launcher = launchers.get(0);
        String text = LauncherOutput.awaitInFile(log, "workers accepting");
        assertTrue(text.startsWith("an earlier line\n"), "appended, not truncated:\n" + text);
        assertTrue(text.contains(" INFO prefork: echo on [127.0.0.1:"), text);
        // The supervisor's own lines, relayed by this JVM, are there too.
        assertTrue(text.contains(" dev.prefork.process: "), "relayed supervisor lines in:\n" + text);

        Path rotated = dir.resolve("prefork.log.1");
        Files.move(log, rotated);
        Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(launcher.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0);
        String fresh = LauncherOutput.awaitInFile(log, "SIGUSR1: log_file " + log + " reopened");
        assertFalse(fresh.contains("workers accepting"), "a new file:\n" + fresh);
        assertTrue(launcher.isAlive(), "SIGUSR1 does not stop the launcher (the JVM's default would)");

        launcher.destroy();
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS));
        LauncherOutput.awaitInFile(log, "INFO prefork: stopped");
        assertFalse(Files.readString(rotated).contains("stopped"), "the rotated file is no longer written");
    }

    @Test
    void logLevelZeroKeepsOnlyErrors(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("quiet.log");
        BlockingQueue<String> lines = launch("--log_file", log.toString(), "--log_level", "0");
        LauncherOutput.awaitLine(lines, "workers accepting");
        Process launcher = launchers.get(0);
        launcher.destroy();
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS));
        assertEquals("", Files.readString(log), "no notice, information or warning at log_level 0");
    }

    @Test
    void netServersLevelsAsJavaLoggingLevels() {
        assertEquals(Level.SEVERE, LogFile.level(0));
        assertEquals(Level.WARNING, LogFile.level(1));
        assertEquals(Level.INFO, LogFile.level(2));
        assertEquals(Level.FINE, LogFile.level(3));
        assertEquals(Level.ALL, LogFile.level(4));
    }
}
