package dev.prefork.standalone;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What programs run as (as root, as CI runs). user and group: the launcher stays root, binds the pool's
 * port and starts each program through setpriv, so that a program pool's worker and a plain program run
 * with every uid and gid of the throwaway user and exactly its groups, and the worker serves on the
 * socket root bound. chroot: in a throwaway directory holding only a shell (dash and the libraries it
 * loads, copied in) and a file, a worker and a plain program run inside it (their /proc/PID/root is the
 * directory, they read the file at its path there) as the throwaway user, the worker with the listening
 * socket on descriptor 3, while the launcher stays root at /; refused for our worker JVMs, for a program
 * that is not inside, and when the launcher is not root. What those users run comes from
 * {@link ReadableCopies}, which they can read.
 */
class ProgramPrivilegesTest {
    @RegisterExtension
    static final ReadableCopies readable = new ReadableCopies();

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
                "--worker_program", "python3 " + readable.of(ProgramPoolTest.script()), "--program", "sleep 300"), launchers);
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

    @Test
    void dequeueJobsRunAsTheUserToo() throws Exception {
        assumeTrue(Accounts.root(), "switching user needs root (CI runs as root)");
        Accounts.Throwaway user = Accounts.makeThrowaway("pfkq", cleanUp);
        Process launcher = LauncherCommand.start(LauncherCommand.of("--user", user.name(), "--program", "sleep 300",
                "--check_for_dequeue", "1", "--max_dequeue", "1", "--dequeue_command", "echo queue run; exec sleep 300"), launchers);
        ProgramLog log = ProgramLog.follow(launcher.getInputStream());
        Path job = Path.of("/proc", log.awaitGroup(Pattern.compile("dequeue\\[(\\d+)]: queue run"), 1));
        assertEquals(List.of(user.uid(), user.uid(), user.uid(), user.uid()), Accounts.ids(job, "Uid"), "the job's uids");
        assertEquals(List.of(user.gid(), user.gid(), user.gid(), user.gid()), Accounts.ids(job, "Gid"), "the job's gids");
        assertEquals(List.of(user.gid(), user.extra()).stream().sorted().toList(), Accounts.ids(job, "Groups").stream().sorted().toList());
    }

    @Test
    void programsRunInsideTheDirectoryAsTheUserWithTheSocketBoundOutside(@TempDir Path dir) throws Exception {
        assumeTrue(Accounts.root(), "chroot needs root (CI runs as root)");
        Accounts.Throwaway user = Accounts.makeThrowaway("pfkc", cleanUp);
        Path root = shellOnlyDirectory(dir);
        Files.writeString(root.resolve("marker"), "inside the chroot\n");
        Accounts.run("mkfifo", "-m", "644", root.resolve("hold").toString()); // read by each program: it blocks until TERM

        Process launcher = LauncherCommand.start(LauncherCommand.of("--port", "127.0.0.1:0", "--max_servers", "1",
                "--chroot", root.toString(), "--user", user.name(), "--graceful_shutdown_timeout", "5",
                "--worker_program", "/bin/sh -c 'read line < /marker; echo \"worker: $line, LISTEN_FDS=$LISTEN_FDS\"; read x < /hold'",
                "--program", "sh -c 'read line < /marker; echo \"plain: $line\"; read x < /hold'"), launchers);
        ProgramLog log = ProgramLog.follow(launcher.getInputStream());
        log.await(Pattern.compile("Ctrl-C stops"), 1);
        Matcher worker = log.await(Pattern.compile("sh\\[(\\d+)]: worker: inside the chroot, LISTEN_FDS=1$"), 1).get(0);
        Matcher plain = log.await(Pattern.compile("sh\\[(\\d+)]: plain: inside the chroot$"), 1).get(0);
        for (Matcher each : List.of(worker, plain)) {
            Path proc = Path.of("/proc", each.group(1));
            assertEquals(root, Files.readSymbolicLink(proc.resolve("root")), each.group() + ": its root directory");
            assertEquals(List.of(user.uid(), user.uid(), user.uid(), user.uid()), Accounts.ids(proc, "Uid"), each.group());
            assertEquals(List.of(user.gid(), user.gid(), user.gid(), user.gid()), Accounts.ids(proc, "Gid"), each.group());
            assertEquals(List.of(user.gid(), user.extra()).stream().sorted().toList(),
                    Accounts.ids(proc, "Groups").stream().sorted().toList(), each.group());
        }
        String socket = Files.readSymbolicLink(Path.of("/proc", worker.group(1), "fd", "3")).toString();
        assertTrue(socket.startsWith("socket:"), "the worker holds the listening socket on descriptor 3: " + socket);
        assertEquals(Path.of("/"), Files.readSymbolicLink(Path.of("/proc/" + launcher.pid() + "/root")), "the launcher stays at /");
        assertEquals(List.of(0, 0, 0, 0), Accounts.ids(Path.of("/proc/" + launcher.pid()), "Uid"), "the launcher stays root");

        launcher.toHandle().destroy();
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher stops on TERM");
        for (Matcher each : List.of(worker, plain)) {
            assertTrue(!ProgramLog.exists(Long.parseLong(each.group(1))), each.group() + " outlived the stop");
        }
    }

    @Test
    void aProgramThatIsNotInsideIsRefusedAtStart(@TempDir Path dir) throws Exception {
        assumeTrue(Accounts.root(), "chroot needs root (CI runs as root)");
        Path root = shellOnlyDirectory(dir);
        String said = refusal("--port", "127.0.0.1:0", "--chroot", root.toString(), "--worker_program", "/usr/bin/python3 -c pass");
        assertTrue(said.contains("worker_program='/usr/bin/python3 -c pass' (from command line --worker_program) runs /usr/bin/python3"
                + " inside chroot='" + root + "' (from command line --chroot), but " + root + "/usr/bin/python3 is not an executable"
                + " file"), said);
    }

    @Test
    void ourWorkerJvmsAreRefused(@TempDir Path dir) throws Exception {
        String said = refusal("--port", "127.0.0.1:0", "--chroot", dir.toString());
        assertTrue(said.contains("chroot='" + dir + "' (from command line --chroot) applies to worker_program and program only:"
                + " our worker JVMs need the JDK"), said);
    }

    @Test
    void notRootIsRefusedNamingTheSetting(@TempDir Path dir) throws Exception {
        List<String> command = new ArrayList<>();
        if (Accounts.root()) {
            command.addAll(List.of("setpriv", "--reuid=" + Accounts.unusedId("passwd"), "--regid=" + Accounts.unusedId("group"),
                    "--clear-groups"));
        }
        command.addAll(LauncherCommand.ofClassPath(readable.classPath(),
                "--chroot", dir.toString(), "--program", "sleep 300"));
        Process launcher = LauncherCommand.start(command, launchers);
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher did not give up");
        String said = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, launcher.exitValue(), said);
        assertTrue(said.contains("chroot='" + dir + "' (from command line --chroot) needs the launcher to start as root"), said);
    }

    /** What the launcher says when it refuses to start with {@code args} (status 1). */
    private String refusal(String... args) throws Exception {
        Process launcher = LauncherCommand.start(LauncherCommand.of(args), launchers);
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher did not give up");
        String said = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, launcher.exitValue(), said);
        return said;
    }

    /**
     * {@code dir}/root with /bin/sh (this system's, dash on Debian) and every library ldd lists for it, at
     * the same paths: a root directory in which a shell runs and nothing else is.
     */
    static Path shellOnlyDirectory(Path dir) throws Exception {
        Path root = dir.resolve("root");
        List<Path> files = new ArrayList<>(List.of(Path.of("/bin/sh")));
        Matcher library = Pattern.compile("(/\\S+)").matcher(Accounts.output("ldd", "/bin/sh"));
        while (library.find()) {
            files.add(Path.of(library.group(1)));
        }
        for (Path file : files) {
            Path copy = root.resolve(file.toString().substring(1));
            Files.createDirectories(copy.getParent());
            Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING); // follows links: the file itself
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        // @TempDir is root's alone; the user the programs run as must reach inside.
        for (Path each = root; each != null && each.startsWith(dir.getParent()); each = each.getParent()) {
            Files.setPosixFilePermissions(each, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        try (var walk = Files.walk(root)) {
            for (Path each : walk.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(each, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        return root;
    }
}
