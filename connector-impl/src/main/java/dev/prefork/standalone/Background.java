package dev.prefork.standalone;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Net::Server's {@code background} and {@code setsid}. A JVM cannot fork, so the launcher starts itself
 * again (same JDK, JVM options, class path and arguments) as the daemon: that copy begins a new
 * session, starts the pool, writes the pid_file (its own pid), and once it serves says so and points
 * its standard streams at /dev/null. The starting command relays what the daemon printed until then,
 * so a port in use or a bad setting still reaches the terminal with a non-zero exit status, and returns
 * 0 once the daemon serves: the "forking" start-up that init scripts and systemd's Type=forking expect.
 */
final class Background {
    /** Set in the daemon's environment: it is the detached copy. */
    static final String CHILD_ENVIRONMENT = "PREFORK_BACKGROUND_CHILD";
    /** The daemon's last line on the starting command's terminal. */
    static final String DETACHED = "prefork: in the background as pid ";
    /** How long the starting command waits for the daemon to serve (it waits 60 s for its workers itself). */
    private static final long START_SECONDS = 150;

    private Background() {
    }

    /** Whether this process is the detached copy. */
    static boolean isDaemon() {
        return "1".equals(System.getenv(CHILD_ENVIRONMENT));
    }

    /**
     * Starts the daemon and relays its lines to {@code out} until it serves or fails.
     *
     * @return the starting command's exit status: 0 once the daemon serves, else the daemon's own (or 1)
     */
    static int startDaemon(String[] args, PrintStream out) throws IOException, InterruptedException {
        List<String> command = OwnCommand.with(List.of(), args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true);
        builder.environment().put(CHILD_ENVIRONMENT, "1");
        Process daemon = builder.start();
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(START_SECONDS));
                out.println("prefork: background: the server (pid " + daemon.pid() + ") is not serving after " + START_SECONDS
                        + " s; it goes on starting on its own (see log_file)");
                out.flush();
                Runtime.getRuntime().halt(1);
            } catch (InterruptedException e) {
                // served or failed in time
            }
        }, "prefork-background-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                out.println(line);
                if (line.startsWith(DETACHED)) {
                    out.flush();
                    return 0;
                }
            }
        } finally {
            watchdog.interrupt();
        }
        // Its output ended without the line: it failed, and exits (its own shutdown stops what it started).
        if (!daemon.waitFor(60, TimeUnit.SECONDS)) {
            out.println("prefork: background: the server (pid " + daemon.pid() + ") closed its output without serving");
            return 1;
        }
        return daemon.exitValue() == 0 ? 1 : daemon.exitValue();
    }

    /** In the daemon, first thing: a session of its own, so that the terminal's hang-up and job control miss it. */
    static void beginSession() throws IOException {
        ProcessJarCalls.call("newSession", new Class<?>[0]);
    }

    /** In the daemon, once it serves: tell the starting command, then let go of its standard streams. */
    static void detach(PrintStream out) throws IOException {
        out.println(DETACHED + ProcessHandle.current().pid() + " (session leader; standard streams now /dev/null)");
        out.flush();
        System.out.flush();
        System.err.flush();
        ProcessJarCalls.call("standardStreamsToDevNull", new Class<?>[0]);
    }
}
