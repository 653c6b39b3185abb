package dev.prefork.standalone;

import dev.prefork.it.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code java -jar prefork.jar --conf_file test.conf} with the PreForkSimple manual's sample, end to
 * end, as root: the file as the manual has it (a test resource), with only what a test must change —
 * its two fixed ports become free ones, its log_file and pid_file paths move into the test's
 * directory — and max_servers 2 on the command line instead of its 80 (160 worker JVMs would not fit
 * this machine). The manual's user "somebody" and group "everybody" are made for the test when the
 * system lacks them, and removed after. Then every key does what it says: the command returns
 * (background), the pid_file names the daemon, the supervisor and workers run as somebody:everybody,
 * both ports listen, log_level 3 lines reach the log_file, the allow/deny host-name rules refuse a
 * client known by address only (see Access control), and SIGTERM to the pid_file's process stops all.
 */
class ManualSampleTest {

    private final List<String[]> cleanUp = new ArrayList<>();
    private final List<ProcessHandle> started = new ArrayList<>();

    @AfterEach
    void stopThenRemoveAccounts() throws Exception {
        LauncherCommand.stopAll(started);
        for (String[] command : cleanUp) {
            Accounts.run(command);
        }
    }

    @Test
    void theManualsTestConfRunsEndToEnd(@TempDir Path dir) throws Exception {
        assumeTrue(Accounts.root(), "the sample switches to user somebody, which needs root (CI runs as root); not root here");
        int[] ports = FreePorts.on("0.0.0.0", 2); // the sample binds one of them on every address
        int localPort = ports[0];
        int anyPort = ports[1];
        Path log = dir.resolve("server.log");
        Path pidFile = dir.resolve("server.pid");
        String sample;
        try (InputStream in = ManualSampleTest.class.getResourceAsStream("test.conf")) {
            sample = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path conf = dir.resolve("test.conf");
        Files.writeString(conf, sample.replace("localhost:20204", "localhost:" + localPort)
                .replace("port        20205", "port        " + anyPort)
                .replace("/var/log/server.log", log.toString())
                .replace("/tmp/server.pid", pidFile.toString()));
        assertEquals(5, Files.readString(conf).lines().filter(line -> line.matches("(user|group|background|port)\\s.*")).count());
        if (!Accounts.known("group", "everybody")) {
            Accounts.run("groupadd", "--system", "everybody");
            cleanUp.add(new String[] {"groupdel", "everybody"});
        }
        if (!Accounts.known("passwd", "somebody")) {
            Accounts.run("useradd", "--system", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin", "somebody");
            cleanUp.add(0, new String[] {"userdel", "somebody"});
        }
        int uid = Integer.parseInt(Accounts.output("id", "-u", "somebody").strip());
        int gid = Integer.parseInt(Accounts.output("getent", "group", "everybody").split(":")[2]);

        Process starter = LauncherCommand.start(LauncherCommand.of("--conf_file", conf.toString(), "--max_servers", "2"),
                new ArrayList<>());
        started.add(starter.toHandle());
        assertTrue(starter.waitFor(180, TimeUnit.SECONDS), "the starting command did not return (background 1)");
        String said = new String(starter.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, starter.exitValue(), said);

        long daemonPid = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle daemon = ProcessHandle.of(daemonPid).orElseThrow(() -> new AssertionError("no daemon: " + said));
        started.add(daemon);
        List<ProcessHandle> supervisors = daemon.children().toList();
        assertEquals(1, supervisors.size(), "one supervisor: " + supervisors);
        ProcessHandle supervisor = supervisors.get(0);
        List<ProcessHandle> workers = Accounts.awaitChildren(supervisor, 4); // max_servers 2 on each of the two ports
        for (ProcessHandle process : concat(supervisor, workers)) {
            Path proc = Path.of("/proc/" + process.pid());
            assertEquals(List.of(uid, uid, uid, uid), Accounts.ids(proc, "Uid"), "user somebody: " + process.pid());
            assertEquals(List.of(gid, gid, gid, gid), Accounts.ids(proc, "Gid"), "group everybody: " + process.pid());
            assertEquals(List.of(gid), Accounts.ids(proc, "Groups"), "group names exactly the groups held: " + process.pid());
        }

        // allow .+\.(net|com), allow domain\.com, deny a.+: rules about host names, and clients are known by address only.
        assertRefused(localPort);
        assertRefused(anyPort);
        String logged = LauncherOutput.awaitInFile(log, "refused 127.0.0.1");
        assertTrue(logged.contains("[supervisor ") && logged.contains("running as uid " + uid + " (somebody)"),
                "the log_file holds the relayed supervisor lines: " + logged);

        daemon.destroy();
        daemon.onExit().get(60, TimeUnit.SECONDS);
        for (ProcessHandle process : concat(supervisor, workers)) {
            process.onExit().get(60, TimeUnit.SECONDS);
        }
        assertFalse(Files.exists(pidFile), "pid_file removed at stop");
        assertTrue(Files.readString(log).contains("prefork: stopped"));
    }

    private static List<ProcessHandle> concat(ProcessHandle first, List<ProcessHandle> rest) {
        List<ProcessHandle> all = new ArrayList<>(rest);
        all.add(0, first);
        return all;
    }

    /** A connection that the server closes without a word: read sees the end at once, or a reset. */
    private static void assertRefused(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            try {
                assertEquals(-1, socket.getInputStream().read(), "port " + port + " served a client the rules refuse");
            } catch (java.net.SocketException reset) {
                // closed with data unread: a reset, also a refusal
            }
        }
    }
}
