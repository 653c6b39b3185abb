package dev.prefork.standalone;

import dev.prefork.dequeue.DequeueJob;
import dev.prefork.dequeue.DequeueSchedule;
import dev.prefork.dequeue.DequeueTimes;
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
import java.util.concurrent.CompletableFuture;

/**
 * PreForkSimple's {@code check_for_dequeue} / {@code max_dequeue} / {@code run_dequeue} in the launcher:
 * the jobs are commands, {@code dequeue_command} started with {@code /bin/sh -c}, on the schedule every
 * host shares ({@link DequeueSchedule}: every {@code check_for_dequeue} seconds unless {@code max_dequeue}
 * still run). Each job's output is logged line by line (lines cut at 1000 characters), its exit status
 * too; at stop every job and what it started gets TERM, then KILL after {@code graceful_shutdown_timeout}.
 * With user/group each job runs as that user with those groups, as Net::Server's dequeue children do
 * (they fork from a parent that has switched already): the root launcher starts it through setpriv, with
 * the ids resolved as for the workers (the process jar's {@code ProgramKeeper.asUser}, so JDK 22+ for the
 * launcher then).
 */
final class DequeueJobs {
    private static final int MAX_LINE = 1000;

    private final List<String> command;
    private final PrintStream out;
    private DequeueSchedule schedule;

    private DequeueJobs(List<String> asUser, String command, PrintStream out) {
        List<String> words = new ArrayList<>(asUser);
        words.addAll(List.of("/bin/sh", "-c", command));
        this.command = List.copyOf(words);
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
        DequeueJobs jobs = new DequeueJobs(asUser, command, out);
        jobs.schedule = DequeueSchedule.start("prefork", new DequeueTimes(every, max), config.gracefulShutdownTimeout(),
                jobs::startJob, out::println);
        return jobs;
    }

    private DequeueJob startJob() throws IOException {
        Process job = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).start();
        Thread reader = new Thread(() -> logOutput(job), "prefork-dequeue-" + job.pid());
        reader.setDaemon(true);
        reader.start();
        return new ProcessJob(job);
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
        schedule.stop();
    }

    /**
     * One job's shell and what it started: a "sleep" in the command outlives a shell that got TERM, so the
     * stop signals the descendants as they are when it comes, and waits for them all.
     */
    private static final class ProcessJob implements DequeueJob {
        private final Process shell;
        private List<ProcessHandle> all = List.of();
        private CompletableFuture<?> ended;

        ProcessJob(Process shell) {
            this.shell = shell;
            this.ended = shell.onExit();
        }

        @Override
        public synchronized CompletableFuture<?> ended() {
            return ended;
        }

        @Override
        public synchronized void askToEnd() {
            List<ProcessHandle> handles = new ArrayList<>(shell.descendants().toList());
            handles.add(shell.toHandle());
            all = List.copyOf(handles);
            all.forEach(ProcessHandle::destroy);
            ended = CompletableFuture.allOf(all.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new));
        }

        @Override
        public synchronized void forceToEnd() {
            all.forEach(ProcessHandle::destroyForcibly);
        }

        @Override
        public String describe() {
            return "process " + shell.pid();
        }
    }
}
