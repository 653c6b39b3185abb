package dev.prefork.standalone;

import dev.prefork.it.ProcStat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTTIN and SIGTTOU to the launcher (the process pid_file names), as Net::Server's parent takes them:
 * one worker per port more or fewer, for the engine's pool and for a program pool alike, and the
 * launcher is not stopped by them (their default action would freeze its JVM).
 */
class ResizeSignalsTest {
    private static final Pattern SUPERVISOR = Pattern.compile("supervisor pid (\\d+)");

    private final List<Process> launchers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        LauncherCommand.stopAll(launchers.stream().map(Process::toHandle).toList());
    }

    @Test
    void theEnginesPoolGrowsAndShrinks() throws Exception {
        Process launcher = LauncherCommand.start(LauncherCommand.of("--handler", "echo", "--port", "127.0.0.1:0",
                "--max_servers", "1"), launchers);
        BlockingQueue<String> lines = LauncherOutput.follow(launcher.getInputStream());
        Matcher pid = SUPERVISOR.matcher(LauncherOutput.awaitLine(lines, "workers accepting"));
        assertTrue(pid.find());
        ProcessHandle supervisor = ProcessHandle.of(Long.parseLong(pid.group(1))).orElseThrow();

        ProgramLog.signal("TTIN", launcher.pid());
        LauncherOutput.awaitLine(lines, "SIGTTIN: one more worker per port");
        Accounts.awaitChildren(supervisor, 2);
        assertFalse(ProcStat.of(launcher.pid()).stopped(), "the launcher is not stopped by SIGTTIN");
        ProgramLog.signal("TTOU", launcher.pid());
        LauncherOutput.awaitLine(lines, "SIGTTOU: one worker per port fewer");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (supervisor.children().count() > 1 && System.nanoTime() < deadline) {
            Thread.sleep(100); // polling /proc: no event tells the test that a worker left
        }
        assertEquals(1, supervisor.children().count(), "back to one worker");
    }

    @Test
    void aProgramPoolGrowsAndShrinks() throws Exception {
        Process launcher = LauncherCommand.start(LauncherCommand.of("--port", "127.0.0.1:0", "--max_servers", "1",
                "--worker_program", ProgramPoolTest.server(), "--graceful_shutdown_timeout", "5"), launchers);
        ProgramLog log = ProgramLog.follow(launcher.getInputStream());
        log.await(Pattern.compile("Ctrl-C stops"), 1);
        Pattern serving = Pattern.compile("python3\\[(\\d+)]: serving as");
        log.await(serving, 1);
        ProgramLog.signal("TTIN", launcher.pid());
        log.await(Pattern.compile("SIGTTIN: program pool python3 now keeps 2 copies"), 1);
        long newest = Long.parseLong(log.awaitGroup(serving, 2));
        assertFalse(ProcStat.of(launcher.pid()).stopped(), "the launcher is not stopped by SIGTTIN");
        ProgramLog.signal("TTOU", launcher.pid());
        log.await(Pattern.compile("SIGTTOU: program pool python3 now keeps 1 copy$"), 1);
        log.await(Pattern.compile("python3\\[" + newest + "] ended with signal 15 \\(TERM\\).*; one copy fewer"), 1);
        assertEquals(2, log.matches(serving).size(), "the surplus copy is not replaced");
    }
}
