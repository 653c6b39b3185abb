package dev.prefork.bench.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts a server process, copies its output to a log file (always draining it, so the server never
 * blocks on a full pipe), and waits until a readiness check passes. Start-up time is measured from just
 * before the process is created to the first moment the check passes (polled every 2 ms). A server that
 * does not become ready (it exits, the time runs out, or the check gives up by throwing) is stopped with
 * its whole process tree before the failure is reported.
 */
final class Launcher {

    /** Whether a starting server is ready: gets the process and its output so far. */
    interface ReadyCheck {
        boolean ready(Process process, String output);
    }

    record Started(Process process, long startupNanos) {
    }

    private Launcher() {
    }

    static Started launch(List<String> command, Path workDir, Map<String, String> env, Path logFile,
                          ReadyCheck check, Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Files.createDirectories(logFile.getParent());
        OutputCapture capture = new OutputCapture(logFile);
        long begin = System.nanoTime();
        Process process = builder.start();
        ProcessCleaner.register(process);
        capture.drain(process.getInputStream());
        long deadline = begin + timeout.toNanos();
        while (true) {
            boolean ready;
            try {
                ready = check.ready(process, capture.text());
            } catch (RuntimeException gaveUp) {
                // A check that gives up (a launcher that said it stopped waiting for its workers) must not
                // leave the server running: it held its port and CPU into the next repetition.
                ProcessCleaner.stop(process, 5);
                throw gaveUp;
            }
            if (ready) {
                return new Started(process, System.nanoTime() - begin);
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                boolean died = !process.isAlive();
                ProcessCleaner.stop(process, 5);
                throw new IOException((died ? "exited while starting" : "not ready within " + timeout.toSeconds() + " s")
                        + ": " + String.join(" ", command) + "\n--- last output (" + logFile + ") ---\n" + capture.tail());
            }
            TimeUnit.MILLISECONDS.sleep(2);
        }
    }

    /** Keeps the output in the log file and its last 64 KiB in memory for readiness checks. */
    private static final class OutputCapture {
        private static final int KEEP = 64 * 1024;
        private final Path logFile;
        private final StringBuilder recent = new StringBuilder();

        OutputCapture(Path logFile) {
            this.logFile = logFile;
        }

        void drain(InputStream in) {
            Thread thread = new Thread(() -> {
                try (in; OutputStream log = Files.newOutputStream(logFile)) {
                    byte[] buffer = new byte[8192];
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        log.write(buffer, 0, n);
                        log.flush();
                        synchronized (recent) {
                            recent.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                            if (recent.length() > KEEP) {
                                recent.delete(0, recent.length() - KEEP);
                            }
                        }
                    }
                } catch (IOException e) {
                    // the process is gone
                }
            }, "bench-output-" + logFile.getFileName());
            thread.setDaemon(true);
            thread.start();
        }

        String text() {
            synchronized (recent) {
                return recent.toString();
            }
        }

        String tail() {
            String all = text();
            return all.length() > 4000 ? all.substring(all.length() - 4000) : all;
        }
    }
}
