package dev.prefork.standalone;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Program pools (worker_program) with a real server, {@code activated_echo.py}: it takes its listening
 * socket as systemd hands it over (descriptor 3, LISTEN_FDS, LISTEN_PID = its own pid, LISTEN_FDNAMES;
 * it refuses to start when LISTEN_PID is not its pid) or, with program_socket stdin, as inetd's wait mode
 * does (descriptor 0), and answers each line with its pid and what it was given. The launcher keeps
 * max_servers of them, replaces one that is killed, replaces all new-ones-first on SIGHUP while clients
 * keep being served, stops all on TERM and leaves neither process nor zombie nor listening port.
 */
class ProgramPoolTest {
    private static final Pattern READY = Pattern.compile("on \\[127\\.0\\.0\\.1:(\\d+)]; Ctrl-C stops");
    private static final Pattern SERVING = Pattern.compile("python3\\[(\\d+)]: serving as (\\d+) with (.*)");

    private final List<Process> launchers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        LauncherCommand.stopAll(launchers.stream().map(Process::toHandle).toList());
    }

    static String server(String... args) {
        return "python3 " + script() + (args.length == 0 ? "" : " " + String.join(" ", args));
    }

    /** The socket-activated echo server's script. */
    static Path script() {
        return Path.of("src/test/resources/programs/activated_echo.py").toAbsolutePath();
    }

    @Test
    void socketActivatedWorkersServeAreReplacedRollOnHangupAndLeaveNothingAtStop() throws Exception {
        Process launcher = LauncherCommand.start(LauncherCommand.of("--port", "127.0.0.1:0", "--name", "echoes",
                "--max_servers", "2", "--worker_program", server(), "--graceful_shutdown_timeout", "5"), launchers);
        ProgramLog log = ProgramLog.follow(launcher.getInputStream());
        int port = Integer.parseInt(log.awaitGroup(READY, 1));
        List<Matcher> first = log.await(SERVING, 2);
        Set<Long> pids = new HashSet<>();
        for (Matcher serving : first) {
            assertEquals(serving.group(1), serving.group(2), "the log tags the line with the program's own pid");
            assertEquals("fds=1 names=echoes", serving.group(3), "one socket, named after the pool");
            pids.add(Long.parseLong(serving.group(1)));
        }
        assertEquals(2, pids.size(), "max_servers copies");

        long killed = answererOf(ask(port, "one"));
        assertTrue(pids.contains(killed));
        ProcessHandle.of(killed).orElseThrow().destroyForcibly();
        log.await(Pattern.compile("python3\\[" + killed + "] ended with signal 9 \\(KILL\\).*; starting it again"), 1);
        assertFalse(ProgramLog.exists(killed), "reaped before its end is logged: no zombie");
        long replacement = Long.parseLong(log.await(SERVING, 3).get(2).group(1));
        assertFalse(pids.contains(replacement));
        pids.add(replacement);

        ProgramLog.hangUp(launcher.pid());
        // Every old worker is replaced, and a client is served all along: the launcher holds the socket.
        List<Matcher> replaced = log.await(Pattern.compile("python3\\[(\\d+)] ended with signal 15 \\(TERM\\).*; replaced"), 2);
        for (int i = 0; i < 5; i++) {
            assertTrue(ask(port, "during").contains(" fds=1 names=echoes during"));
        }
        Set<Long> after = new HashSet<>();
        for (Matcher serving : log.await(SERVING, 5).subList(3, 5)) {
            after.add(Long.parseLong(serving.group(1)));
        }
        assertEquals(2, after.size());
        for (Matcher old : replaced) {
            long pid = Long.parseLong(old.group(1));
            assertTrue(pids.contains(pid) && !after.contains(pid), "an old worker was replaced: " + pid);
            assertFalse(ProgramLog.exists(pid));
        }
        assertTrue(after.contains(answererOf(ask(port, "after"))), "the new workers serve");

        launcher.toHandle().destroy(); // TERM; Process.destroy() would also close the output we read
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher stops on TERM");
        for (long pid : after) {
            assertFalse(ProgramLog.exists(pid), "worker " + pid + " outlived the stop");
        }
        log.await(Pattern.compile("prefork: stopped"), 1);
        assertThrows(ConnectException.class, () -> ask(port, "closed"), "the listening socket is closed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"stdin", "stdio"})
    void inetdWaitModeGivesTheSocketOnDescriptorZeroOrZeroToTwo(String mode) throws Exception {
        Process launcher = LauncherCommand.start(LauncherCommand.of("--port", "127.0.0.1:0", "--max_servers", "1",
                "--worker_program", server(mode), "--program_socket", mode), launchers);
        ProgramLog log = ProgramLog.follow(launcher.getInputStream());
        int port = Integer.parseInt(log.awaitGroup(READY, 1));
        long pid = Long.parseLong(log.awaitGroup(Pattern.compile("python3\\[(\\d+)] started"), 1));
        // stdio: inetd's own convention, descriptors 1 and 2 are the socket too (stdin: they go to the log).
        assertEquals(pid + (mode.equals("stdio") ? " stdio 0,1,2 same socket: True" : " stdin") + " hello", ask(port, "hello"));
    }

    @Test
    void aWorkerProgramThatCannotStartEndsTheLauncherAfterCrashLimit() throws Exception {
        Process launcher = LauncherCommand.start(LauncherCommand.of("--port", "127.0.0.1:0", "--max_servers", "2",
                "--worker_program", "sh -c 'echo cannot start >&2; exit 7'", "--crash_limit", "4"), launchers);
        ProgramLog log = ProgramLog.follow(launcher.getInputStream());
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "a pool whose program keeps failing at start ends");
        assertEquals(1, launcher.exitValue());
        log.await(Pattern.compile("sh\\[\\d+]: cannot start"), 1);
        log.await(Pattern.compile("ended with exit 7 .*starting it again in (250|500) ms"), 1);
        log.await(Pattern.compile("crash_limit 4\\): not starting sh again"), 1);
        log.await(Pattern.compile("prefork: stopped"), 1);
    }

    /** Sends one line, returns the answer. */
    static String ask(int port, String line) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
            out.print(line + "\n");
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    private static long answererOf(String answer) {
        return Long.parseLong(answer.substring(0, answer.indexOf(' ')));
    }
}
