package dev.prefork.standalone;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGHUP to a launcher that supervises programs reads its conf_file again, as Net::Server's HUP does: a
 * program pool grows to the new max_servers (new workers first, served all along on the same port), a
 * program whose command changed restarts with the new one, a removed program is stopped for good and a
 * new one starts; a conf_file that no longer reads, or asks for what programs cannot take, changes
 * nothing (no program restarts) and the log names the line or the key.
 */
class ProgramHangupTest {
    private static final Pattern READY = Pattern.compile("on \\[127\\.0\\.0\\.1:(\\d+)]; Ctrl-C stops");
    private static final Pattern SERVING = Pattern.compile("python3\\[(\\d+)]: serving as (\\d+)");

    private final List<Process> launchers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        LauncherCommand.stopAll(launchers.stream().map(Process::toHandle).toList());
    }

    @Test
    void hangupAppliesTheChangedConfFileAndABrokenOneChangesNothing(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("programs.conf");
        String pool = "port 127.0.0.1:0\nworker_program " + ProgramPoolTest.server() + "\ngraceful_shutdown_timeout 5\n";
        Files.writeString(conf, pool + "max_servers 1\nprogram sleep 300\nprogram sh -c 'echo first; exec sleep 301'\n");
        Process launcher = LauncherCommand.start(LauncherCommand.of("--conf_file", conf.toString()), launchers);
        ProgramLog log = ProgramLog.follow(launcher.getInputStream());
        int port = Integer.parseInt(log.awaitGroup(READY, 1));
        long firstWorker = Long.parseLong(log.awaitGroup(SERVING, 1));
        long sleep = Long.parseLong(log.awaitGroup(Pattern.compile("sleep\\[(\\d+)] started"), 1));
        long talker = Long.parseLong(log.awaitGroup(Pattern.compile("sh\\[(\\d+)]: first"), 1));

        Files.writeString(conf, pool + "max_servers 2\nprogram sh -c 'echo second; exec sleep 302'\nprogram tail -f /dev/null\n");
        ProgramLog.hangUp(launcher.pid());
        log.await(Pattern.compile("SIGHUP: max_servers changed from '1' to '2' \\(conf_file " + Pattern.quote(conf.toString())
                + "\\); applied to the programs"), 1);
        log.await(Pattern.compile("sleep\\[" + sleep + "] ended with signal 15 \\(TERM\\).*; no longer configured"), 1);
        log.await(Pattern.compile("sh\\[" + talker + "] ended with signal 15 \\(TERM\\).*; starting it again"), 1);
        long newTalker = Long.parseLong(log.awaitGroup(Pattern.compile("sh\\[(\\d+)]: second"), 1));
        long tail = Long.parseLong(log.awaitGroup(Pattern.compile("tail\\[(\\d+)] started"), 1));
        log.await(Pattern.compile("python3\\[" + firstWorker + "] ended with signal 15 \\(TERM\\).*; replaced"), 1);
        Set<Long> workers = new HashSet<>();
        for (Matcher serving : log.await(SERVING, 3).subList(1, 3)) {
            workers.add(Long.parseLong(serving.group(1)));
        }
        assertEquals(2, workers.size(), "max_servers 2 workers replace the one");
        for (int i = 0; i < 4; i++) {
            String answer = ProgramPoolTest.ask(port, "after");
            assertTrue(workers.contains(Long.parseLong(answer.substring(0, answer.indexOf(' ')))), answer);
        }
        assertFalse(ProgramLog.exists(sleep), "the removed program is gone");

        Files.writeString(conf, pool + "max_servers 3\nmax_sevrers 4\n");
        ProgramLog.hangUp(launcher.pid());
        log.await(Pattern.compile("SIGHUP: the settings were not changed and no program was restarted: "
                + Pattern.quote(conf + " line 5: max_sevrers is not a known setting")), 1);
        Files.writeString(conf, pool + "max_servers 3\nmax_requests 5\n");
        ProgramLog.hangUp(launcher.pid());
        log.await(Pattern.compile("SIGHUP: the settings were not changed and no program was restarted: max_requests='5' \\(from"
                + " conf_file " + Pattern.quote(conf.toString()) + "\\) does not apply to worker_program or program"), 1);
        // Both refusals are logged once the decision is made: had anything restarted, it would have been told first.
        for (long pid : List.of(newTalker, tail)) {
            assertTrue(ProgramLog.exists(pid), pid + " runs on unrestarted");
        }
        for (long pid : workers) {
            assertTrue(ProgramLog.exists(pid), "worker " + pid + " runs on unrestarted");
        }
        assertEquals(3, log.matches(SERVING).size(), "no worker was started after the refused SIGHUPs");
        assertEquals(1, log.matches(Pattern.compile("restarting every program")).size(), log.text());

        launcher.toHandle().destroy();
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher stops on TERM");
        for (long pid : List.of(newTalker, tail)) {
            assertFalse(ProgramLog.exists(pid), pid + " outlived the stop");
        }
    }
}
