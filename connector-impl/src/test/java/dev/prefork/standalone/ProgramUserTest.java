package dev.prefork.standalone;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * user and group with programs (as root, as CI runs): the launcher stays root, binds the pool's port and
 * starts each program through setpriv, so that a program pool's worker and a plain program run with
 * every uid and gid of the throwaway user and exactly its groups, and the worker serves on the socket
 * root bound.
 */
class ProgramUserTest {
    private final List<Process> launchers = new ArrayList<>();
    private final List<String[]> cleanUp = new ArrayList<>();

    @AfterEach
    void stopLaunchersThenRemoveUsers() throws Exception {
        LauncherCommand.stopAll(launchers.stream().map(Process::toHandle).toList());
        for (String[] command : cleanUp) {
            Accounts.run(command);
        }
    }

    @Test
    void programsRunAsTheUserWithItsGroupsWhileTheLauncherStaysRoot() throws Exception {
        assumeTrue(Accounts.root(), "switching user needs root (CI runs as root)");
        Accounts.Throwaway user = Accounts.makeThrowaway("pfkp", cleanUp);
        int uid = user.uid();
        int gid = user.gid();
        int extra = user.extra();

        Process launcher = LauncherCommand.start(LauncherCommand.of("--port", "127.0.0.1:0", "--max_servers", "1", "--user", user.name(),
                "--worker_program", ProgramPoolTest.server(), "--program", "sleep 300"), launchers);
        ProgramLog log = ProgramLog.follow(launcher.getInputStream());
        int port = Integer.parseInt(log.awaitGroup(Pattern.compile("on \\[127\\.0\\.0\\.1:(\\d+)]; Ctrl-C stops"), 1));
        long server = Long.parseLong(log.awaitGroup(Pattern.compile("python3\\[(\\d+)]: serving as"), 1));
        long sleep = Long.parseLong(log.awaitGroup(Pattern.compile("sleep\\[(\\d+)] started"), 1));
        assertTrue(ProgramPoolTest.ask(port, "who").startsWith(server + " fds=1"), "the worker serves on root's socket");
        for (long pid : List.of(server, sleep)) {
            Path proc = Path.of("/proc/" + pid);
            assertEquals(List.of(uid, uid, uid, uid), Accounts.ids(proc, "Uid"), pid + ": real, effective, saved, filesystem uid");
            assertEquals(List.of(gid, gid, gid, gid), Accounts.ids(proc, "Gid"), pid + ": real, effective, saved, filesystem gid");
            assertEquals(List.of(gid, extra).stream().sorted().toList(), Accounts.ids(proc, "Groups").stream().sorted().toList());
        }
        assertEquals(List.of(0, 0, 0, 0), Accounts.ids(Path.of("/proc/" + launcher.pid()), "Uid"), "the launcher stays root");
    }
}
