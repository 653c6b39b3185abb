package dev.prefork.standalone;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every line a launcher that supervises programs prints, kept (unlike {@link LauncherOutput}, whose
 * waits consume what they pass), so that a test can wait for the n-th line of a kind whatever came
 * between: programs start, end and talk in any order.
 */
final class ProgramLog {
    private final List<String> lines = new ArrayList<>();

    private ProgramLog() {
    }

    static ProgramLog follow(InputStream stream) {
        ProgramLog log = new ProgramLog();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (log) {
                        log.lines.add(line);
                        log.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the launcher ended
            }
        }, "program-log");
        reader.setDaemon(true);
        reader.start();
        return log;
    }

    /** Every match of {@code pattern} so far, as its matchers (lines in order). */
    synchronized List<Matcher> matches(Pattern pattern) {
        List<Matcher> found = new ArrayList<>();
        for (String line : lines) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                found.add(m);
            }
        }
        return found;
    }

    /** The first {@code count} lines matching {@code pattern}, waiting for them at most 60 s. */
    synchronized List<Matcher> await(Pattern pattern, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<Matcher> found = matches(pattern);
            if (found.size() >= count) {
                return found.subList(0, count);
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                fail(count + " lines matching '" + pattern + "' never came (" + found.size() + " did); the launcher printed:\n  "
                        + String.join("\n  ", lines));
            }
            wait(left);
        }
    }

    /** The one group of the {@code count}-th line matching {@code pattern}, waiting for it. */
    String awaitGroup(Pattern pattern, int count) throws InterruptedException {
        return await(pattern, count).get(count - 1).group(1);
    }

    synchronized String text() {
        return String.join("\n", lines);
    }

    /** Whether the process (or a zombie of it) is still there. */
    static boolean exists(long pid) {
        return Files.exists(Path.of("/proc", Long.toString(pid)));
    }

    /** Sends SIGHUP to {@code pid} (the JDK sends only TERM and KILL). */
    static void hangUp(long pid) throws Exception {
        signal("HUP", pid);
    }

    /** Sends the signal named (HUP, USR2, TTIN…) to {@code pid}. */
    static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            fail("kill -" + name + " " + pid + " failed");
        }
    }
}
