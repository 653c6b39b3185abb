package dev.prefork.standalone;

import dev.prefork.engine.LineClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Net::Server's {@code user} and {@code group}, with the launcher started as root as an init script
 * starts it: the port is bound, then the supervisor (every one of its threads) and every worker run as
 * that user and group with exactly the expected supplementary groups, read from /proc/PID/status, and
 * the pool still serves. The users are throwaway: one made with useradd and removed at the end, one a
 * bare number the user database does not know. Started as another user, the launcher refuses. The
 * launchers run from {@link ReadableCopies} of the class path, which those users can read.
 */
class UserGroupTest {

    private static final Pattern SUPERVISOR_PID = Pattern.compile("supervisor pid (\\d+)");
    private static final Pattern BOUND = Pattern.compile("on \\[127\\.0\\.0\\.1:(\\d+)]");

    @RegisterExtension
    static final ReadableCopies readable = new ReadableCopies();

    private final List<Process> launchers = new ArrayList<>();
    private final List<String[]> cleanUp = new ArrayList<>();

    @AfterEach
    void stopLaunchersThenRemoveUsers() throws Exception {
        for (Process launcher : launchers) {
            launcher.destroy();
            if (!launcher.waitFor(60, TimeUnit.SECONDS)) {
                launcher.destroyForcibly();
                launcher.waitFor(10, TimeUnit.SECONDS);
            }
        }
        for (String[] command : cleanUp) {
            Accounts.run(command);
        }
    }

    private Process launch(List<String> prefix, String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(LauncherCommand.ofClassPath(readable.classPath(),
                "--handler", "echo", "--port", "127.0.0.1:0", "--max_servers", "2"));
        command.addAll(List.of(args));
        return LauncherCommand.start(command, launchers);
    }

    @Test
    void aNamedUserGetsItsOwnGroupsInTheSupervisorAndEveryWorker() throws Exception {
        assumeTrue(Accounts.root(), "switching user needs root (CI runs as root); not root here, so only the refusal is tested");
        Accounts.Throwaway user = Accounts.makeThrowaway("pfkt", cleanUp);
        Process launcher = launch(List.of(), "--user", user.name());
        assertServesAs(launcher, user.uid(), user.gid(), List.of(user.gid(), user.extra()));
    }

    @Test
    void numbersTheUserDatabaseDoesNotKnowWorkWithGroupsAsGiven() throws Exception {
        assumeTrue(Accounts.root(), "switching user needs root (CI runs as root); not root here, so only the refusal is tested");
        int uid = Accounts.unusedId("passwd");
        int gid = Accounts.unusedId("group");
        int second = gid + 1;
        Process launcher = launch(List.of(), "--user", Integer.toString(uid), "--group", gid + " " + second);
        assertServesAs(launcher, uid, gid, List.of(gid, second));
    }

    @Test
    void notRootIsRefusedNamingTheSetting() throws Exception {
        List<String> asAnotherUser = Accounts.root()
                ? List.of("setpriv", "--reuid=" + Accounts.unusedId("passwd"), "--regid=" + Accounts.unusedId("group"), "--clear-groups")
                : List.of();
        Process launcher = launch(asAnotherUser, "--user", "nobody");
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher did not give up");
        String said = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, launcher.exitValue(), said);
        assertTrue(said.contains("user='nobody' (from command line --user) needs the launcher to start as root"), said);
    }

    /** Waits until the pool serves, then checks the ids of the launcher, the supervisor's threads and each worker. */
    private static void assertServesAs(Process launcher, int uid, int gid, List<Integer> groups) throws Exception {
        BlockingQueue<String> lines = LauncherOutput.follow(launcher.getInputStream());
        String ready = LauncherOutput.awaitLine(lines, "workers accepting");
        Matcher pid = SUPERVISOR_PID.matcher(ready);
        Matcher port = BOUND.matcher(ready);
        assertTrue(pid.find() && port.find(), ready);
        long supervisor = Long.parseLong(pid.group(1));

        assertEquals("hello", LineClient.echoOnce(Integer.parseInt(port.group(1)), "hello"), "the pool serves after the switch");
        assertEquals(List.of(0, 0, 0, 0), Accounts.ids(Path.of("/proc/" + launcher.pid()), "Uid"),
                "the launcher keeps root: it restarts a supervisor on the same ports");

        List<Integer> expectedGroups = groups.stream().sorted().toList();
        List<Path> tasks;
        try (Stream<Path> list = Files.list(Path.of("/proc/" + supervisor + "/task"))) {
            tasks = list.toList();
        }
        assertTrue(tasks.size() > 3, "the JVM's threads: " + tasks);
        for (Path task : tasks) {
            assertIds(task, uid, gid, expectedGroups, "supervisor " + supervisor + " thread " + task.getFileName());
        }
        List<ProcessHandle> workers = Accounts.awaitChildren(ProcessHandle.of(supervisor).orElseThrow(), 2);
        for (ProcessHandle worker : workers) {
            assertIds(Path.of("/proc/" + worker.pid()), uid, gid, expectedGroups, "worker " + worker.pid());
        }
    }

    private static void assertIds(Path proc, int uid, int gid, List<Integer> groups, String who) throws IOException {
        assertEquals(List.of(uid, uid, uid, uid), Accounts.ids(proc, "Uid"), who + ": real, effective, saved, filesystem uid");
        assertEquals(List.of(gid, gid, gid, gid), Accounts.ids(proc, "Gid"), who + ": real, effective, saved, filesystem gid");
        assertEquals(groups, Accounts.ids(proc, "Groups").stream().sorted().toList(), who + ": supplementary groups");
    }
}
