package dev.prefork.standalone;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hydra's behaviour with real programs, configured in a conf_file (repeated program lines
 * accumulate): each program is kept running and restarted when it dies, its output reaches the log
 * tagged with its name and pid, SIGHUP restarts all of them, TERM stops all of them (with what they
 * started in the background) and then runs the exit_command; a program that fails at once is restarted
 * with a growing back-off and given up after crash_limit; when every program is given up the launcher
 * ends with status 1; a line without end costs the log 1000 bytes; a signal named in sig_passthrough
 * reaches every program; the settings only programs read are refused without programs.
 */
class ProgramListTest {
    private final List<Process> launchers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        LauncherCommand.stopAll(launchers.stream().map(Process::toHandle).toList());
    }

    @Test
    void programsAreKeptRunningRestartedOnHangupAndStoppedWithTheExitCommand(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("hydra.conf");
        Files.writeString(conf, String.join("\n",
                "# the hydra's spawn_list",
                "program sleep 300",
                "program   sh -c 'echo talking as $$; sleep 301 & exec sleep 302'   # leaves a child in its group",
                "crash_limit 3",
                "graceful_shutdown_timeout 5",
                "exit_command echo quitting after TERM",
                ""));
        Process launcher = LauncherCommand.start(LauncherCommand.of("--conf_file", conf.toString()), launchers);
        ProgramLog log = ProgramLog.follow(launcher.getInputStream());
        log.await(Pattern.compile("programs \\[sleep, sh]; Ctrl-C stops"), 1);
        long sleep = Long.parseLong(log.awaitGroup(Pattern.compile("sleep\\[(\\d+)] started"), 1));
        String talker = log.awaitGroup(Pattern.compile("sh\\[(\\d+)]: talking as \\1$"), 1);
        assertTrue(ProgramLog.exists(sleep));

        ProcessHandle.of(sleep).orElseThrow().destroyForcibly();
        log.await(Pattern.compile("sleep\\[" + sleep + "] ended with signal 9 \\(KILL\\) after .*; starting it again"), 1);
        assertFalse(ProgramLog.exists(sleep), "reaped: no zombie");
        long second = Long.parseLong(log.awaitGroup(Pattern.compile("sleep\\[(\\d+)] started"), 2));

        ProgramLog.hangUp(launcher.pid());
        log.await(Pattern.compile("sleep\\[" + second + "] ended with signal 15 \\(TERM\\).*; starting it again"), 1);
        log.await(Pattern.compile("sh\\[" + talker + "] ended with signal 15 \\(TERM\\).*; starting it again"), 1);
        long third = Long.parseLong(log.awaitGroup(Pattern.compile("sleep\\[(\\d+)] started"), 3));
        String talkerAgain = log.awaitGroup(Pattern.compile("sh\\[(\\d+)]: talking as \\1$"), 2);
        assertFalse(ProgramLog.exists(second));
        assertTrue(ProgramLog.exists(third));

        // The talker says its line before it forks "sleep 301": wait (bounded) until the child has exec'd.
        long childDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<ProcessHandle> everything = launcher.toHandle().descendants().toList();
        while (everything.stream().noneMatch(ProgramListTest::isBackgroundSleep) && System.nanoTime() < childDeadline) {
            Thread.sleep(50); // sampling /proc: no event says a grandchild has exec'd
            everything = launcher.toHandle().descendants().toList();
        }
        List<ProcessHandle> seen = everything;
        assertTrue(everything.stream().anyMatch(ProgramListTest::isBackgroundSleep),
                () -> "the talker's background child runs: " + seen.stream().map(ProcessHandle::info).toList());
        launcher.toHandle().destroy(); // TERM; Process.destroy() would also close the output we read
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher stops on TERM");
        log.await(Pattern.compile("sh\\[" + talkerAgain + "] ended with signal 15"), 1);
        log.await(Pattern.compile("exit_command\\[\\d+]: quitting after TERM"), 1);
        log.await(Pattern.compile("prefork: stopped"), 1);
        String text = log.text();
        assertTrue(text.indexOf("exit_command[") > text.indexOf("sleep[" + third + "] ended"), "the exit command runs after the stop");
        for (ProcessHandle each : everything) {
            assertFalse(ProgramLog.exists(each.pid()), "left running or unreaped: " + each.pid() + " " + each.info());
        }
    }

    /**
     * The talker's child once it has exec'd {@code sleep 301}. Matched on the program and its arguments, not on the
     * command line's text: until the talker itself execs {@code sleep 302}, its own command line
     * ({@code sh -c '... sleep 301 & ...'}) contains "sleep 301" too, and a match on it was gone a moment later.
     */
    private static boolean isBackgroundSleep(ProcessHandle each) {
        ProcessHandle.Info info = each.info();
        return info.command().orElse("").endsWith("/sleep")
                && Arrays.equals(info.arguments().orElse(new String[0]), new String[] {"301"});
    }

    @Test
    void aProgramThatFailsAtOnceBacksOffAndIsGivenUpWhileTheOthersRun() throws Exception {
        // The second program also writes a 5000-byte line: the log takes its first 1000 bytes.
        Process launcher = LauncherCommand.start(LauncherCommand.of("--program", "false", "--program",
                "sh -c 'printf %05000d 0; echo; exec sleep 300'", "--crash_limit", "4"), launchers);
        ProgramLog log = ProgramLog.follow(launcher.getInputStream());
        log.await(Pattern.compile("false\\[\\d+] ended with exit 1 .*starting it again in 250 ms \\(1 quick"), 1);
        log.await(Pattern.compile("false\\[\\d+] ended with exit 1 .*starting it again in 500 ms \\(2 quick"), 1);
        log.await(Pattern.compile("false\\[\\d+] ended with exit 1 .*starting it again in 1000 ms \\(3 quick"), 1);
        log.await(Pattern.compile("false\\[\\d+] ended with exit 1 .*crash_limit 4\\): not starting false again"), 1);
        long sleep = Long.parseLong(log.awaitGroup(Pattern.compile("sh\\[(\\d+)] started"), 1));
        log.await(Pattern.compile("sh\\[" + sleep + "]: 0{1000} \\[cut at 1000 bytes]$"), 1);
        assertTrue(launcher.isAlive() && ProgramLog.exists(sleep), "the other program runs on");
        assertEquals(4, log.matches(Pattern.compile("false\\[\\d+] started")).size(), "started crash_limit times, no more");
    }

    @Test
    void sigPassthroughSendsTheSignalOnToEveryProgram() throws Exception {
        // The trap runs once the sleep in the foreground has ended (it gets USR2 too: the whole group does).
        String waiter = "sh -c 'trap \"echo got USR2 in $$\" USR2; echo waiting in $$; while :; do sleep 1; done'";
        Process launcher = LauncherCommand.start(LauncherCommand.of("--program", waiter, "--program", waiter,
                "--sig_passthrough", "usr2"), launchers);
        ProgramLog log = ProgramLog.follow(launcher.getInputStream());
        List<String> pids = log.await(Pattern.compile("sh(?:#2)?\\[(\\d+)]: waiting in \\1$"), 2).stream().map(m -> m.group(1)).toList();
        ProgramLog.signal("USR2", launcher.pid());
        log.await(Pattern.compile("prefork: SIGUSR2: passed on to 2 programs \\(sig_passthrough\\)"), 1);
        for (String pid : pids) {
            log.await(Pattern.compile("\\[" + pid + "]: got USR2 in " + pid + "$"), 1);
        }
        assertTrue(launcher.isAlive(), "the launcher itself does not act on it");
    }

    @Test
    void settingsOnlyProgramsReadAreRefusedWithoutPrograms() throws Exception {
        Process launcher = LauncherCommand.start(LauncherCommand.of("--port", "127.0.0.1:0", "--sig_passthrough", "USR2",
                "--exit_command", "echo bye"), launchers);
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher did not give up");
        String said = new String(launcher.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(1, launcher.exitValue(), said);
        assertTrue(said.contains("exit_command='echo bye' (from command line --exit_command), sig_passthrough='USR2' (from command"
                + " line --sig_passthrough) apply to worker_program and program only, and neither is given"), said);
    }

    @Test
    void whenEveryProgramIsGivenUpTheLauncherEndsWithStatusOne() throws Exception {
        Process launcher = LauncherCommand.start(LauncherCommand.of("--program", "sh -c 'exit 3'", "--crash_limit", "2",
                "--exit_command", "echo the exit command runs"), launchers);
        ProgramLog log = ProgramLog.follow(launcher.getInputStream());
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, launcher.exitValue());
        log.await(Pattern.compile("every program was given up"), 1);
        log.await(Pattern.compile("exit_command\\[\\d+]: the exit command runs"), 1);
    }
}
