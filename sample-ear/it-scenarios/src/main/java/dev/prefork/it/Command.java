package dev.prefork.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a server's command-line tool (asadmin, server) with a deadline, and returns its exit code and output. */
public final class Command {
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private Command() {
    }

    public static Result run(Path directory, Map<String, String> environment, Duration timeout, List<String> command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(environment);
        Process process = builder.start();
        // Read on another thread: a tool that fills the pipe would otherwise never end.
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                output.append("(output lost: ").append(e).append(')');
            }
        });
        reader.setDaemon(true);
        reader.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            reader.join(2_000);
            return new Result(-1, "timed out after " + timeout.toSeconds() + " s: " + command + "\n" + output);
        }
        reader.join(10_000);
        return new Result(process.exitValue(), output.toString());
    }

    /** Like {@link #run}, but fails unless the tool exits 0. */
    public static String check(Path directory, Map<String, String> environment, Duration timeout, List<String> command)
            throws IOException, InterruptedException {
        Result result = run(directory, environment, timeout, command);
        if (!result.ok()) {
            throw new IOException("exit " + result.exitCode() + " from " + command + ":\n" + result.output());
        }
        return result.output();
    }

    /** Kills {@code pid} and every process below it, children first. */
    public static void killTree(long pid) {
        for (ProcessTable.Proc p : ProcessTable.descendants(pid)) {
            ProcessHandle.of(p.pid()).ifPresent(h -> {
                System.err.println("clean-up: killing leftover process " + p.pid());
                h.destroyForcibly();
            });
        }
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
}
