package dev.prefork.standalone;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Settings;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * PreForkSimple's {@code check_for_dequeue} / {@code max_dequeue} / {@code run_dequeue} in the launcher:
 * every {@code check_for_dequeue} seconds {@code dequeue_command} is started with {@code /bin/sh -c}
 * unless {@code max_dequeue} copies still run. Each job's output is logged line by line (lines cut at
 * 1000 characters), its exit status too; at stop every job gets TERM, then KILL after
 * {@code graceful_shutdown_timeout}. With user/group each job runs as that user with those groups, as
 * Net::Server's dequeue children do (they fork from a parent that has switched already): the root
 * launcher starts it through setpriv, with the ids resolved as for the workers (the process jar's
 * {@code ProgramKeeper.asUser}, so JDK 22+ for the launcher then).
 */
final class DequeueJobs {
    private static final int MAX_LINE = 1000;

    private final List<String> command;
    private final String shown;
    private final int max;
    private final int graceSeconds;
    private final PrintStream out;
    private final List<Process> running = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "prefork-dequeue");
        thread.setDaemon(true);
        return thread;
    });
    private boolean stopped;

    private DequeueJobs(List<String> asUser, String command, int max, int graceSeconds, PrintStream out) {
        List<String> words = new ArrayList<>(asUser);
        words.addAll(List.of("/bin/sh", "-c", command));
        this.command = List.copyOf(words);
        this.shown = command;
        this.max = max;
        this.graceSeconds = graceSeconds;
        this.out = out;
    }

    /**
     * Starts the schedule {@code config} asks for, or returns null when it asks for none.
     *
     * @throws IllegalStateException when the dequeue settings do not fit together
     */
    static DequeueJobs start(EngineConfig config, PrintStream out) {
        Integer every = config.get(Settings.CHECK_FOR_DEQUEUE);
        String command = config.get(Settings.DEQUEUE_COMMAND);
        int max = config.get(Settings.MAX_DEQUEUE);
        if (every == null && command.isEmpty()) {
            return null;
        }
        if (every == null || command.isEmpty() || max == 0) {
            throw new IllegalStateException("check_for_dequeue='" + (every == null ? "" : every) + "' max_dequeue='" + max
                    + "' dequeue_command='" + command + "': dequeue jobs need all three (seconds, at least 1 job, a command)");
        }
        List<String> asUser = List.of();
        String user = config.get(Settings.USER);
        if (!user.isEmpty() || !config.get(Settings.GROUP).isEmpty()) {
            try {
                @SuppressWarnings("unchecked")
                List<String> words = (List<String>) ProcessJarCalls.callStatic(ProgramMode.KEEPER_CLASS, "asUser",
                        new Class<?>[] {String.class, String.class}, user, config.get(Settings.GROUP));
                asUser = words;
            } catch (IOException e) {
                throw new IllegalStateException("dequeue_command with user='" + user + "': the jobs cannot be started as that user: "
                        + e.getMessage());
            }
        }
        DequeueJobs jobs = new DequeueJobs(asUser, command, max, config.gracefulShutdownTimeout(), out);
        jobs.timer.scheduleWithFixedDelay(jobs::check, every, every, TimeUnit.SECONDS);
        return jobs;
    }

    private synchronized void check() {
        running.removeIf(job -> !job.isAlive());
        if (stopped || running.size() >= max) {
            return;
        }
        try {
            Process job = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).start();
            running.add(job);
            Thread reader = new Thread(() -> logOutput(job), "prefork-dequeue-" + job.pid());
            reader.setDaemon(true);
            reader.start();
        } catch (IOException e) {
            out.println("prefork: dequeue: cannot start '" + shown + "': " + e.getMessage());
        }
    }

    private void logOutput(Process job) {
        String tag = "prefork: dequeue[" + job.pid() + "]: ";
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(job.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                out.println(tag + (line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "..." : line));
            }
            out.println(tag + "exited with status " + job.waitFor());
        } catch (IOException e) {
            out.println(tag + "output lost: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** No new job; every running one gets TERM, and KILL after graceful_shutdown_timeout. */
    void stop() {
        List<Process> jobs;
        synchronized (this) {
            stopped = true;
            jobs = new ArrayList<>(running);
        }
        timer.shutdownNow();
        // The shell and what it started (a "sleep" in the command outlives a shell that got TERM).
        List<ProcessHandle> all = new ArrayList<>();
        for (Process job : jobs) {
            all.addAll(job.descendants().toList());
            all.add(job.toHandle());
        }
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle each : all) {
            try {
                each.onExit().get(graceSeconds, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                each.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (ProcessHandle each : all) {
            try {
                each.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                out.println("prefork: dequeue: process " + each.pid() + " did not stop");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
