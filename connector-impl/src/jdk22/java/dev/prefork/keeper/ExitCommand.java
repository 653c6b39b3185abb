package dev.prefork.keeper;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The hydra's exit function as a command: run with {@code /bin/sh -c} once every program has stopped,
 * its output logged tagged {@code exit_command[PID]}, killed (with what it started) after
 * graceful_shutdown_timeout so that a stop always ends.
 */
final class ExitCommand {
    private ExitCommand() {
    }

    static void run(String command, int graceSeconds, PrintStream out) {
        if (command.isEmpty()) {
            return;
        }
        Process process;
        try {
            process = new ProcessBuilder("/bin/sh", "-c", command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            out.println("prefork: exit_command cannot be started: " + e.getMessage());
            return;
        }
        String tag = "prefork: exit_command[" + process.pid() + "]: ";
        Thread reader = Thread.ofPlatform().name("prefork-exit-command").daemon().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    out.println(tag + (line.length() > OutputRelay.MAX_LINE ? line.substring(0, OutputRelay.MAX_LINE) + " [cut]" : line));
                }
            } catch (IOException e) {
                // it ended, or was killed
            }
        });
        try {
            if (!process.waitFor(Math.max(1, graceSeconds), TimeUnit.SECONDS)) {
                out.println(tag + "still running after graceful_shutdown_timeout " + graceSeconds + " s; killed");
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            reader.join(TimeUnit.SECONDS.toMillis(5));
            if (!process.isAlive()) {
                out.println(tag + "exited with status " + process.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
