package dev.prefork.standalone;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PreForkSimple's check_for_dequeue / max_dequeue, with the launcher's dequeue_command: jobs start
 * every second but never more than max_dequeue at once (each job records itself in a file while it
 * runs), their output reaches the log tagged with their pid, and at stop no job (nor the sleep it
 * started) is left.
 */
class DequeueTest {

    private final List<Process> launchers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        LauncherCommand.stopAll(launchers.stream().map(Process::toHandle).toList());
    }

    @Test
    void jobsStartOnScheduleNeverMoreThanMaxAndNoneOutlivesTheStop(@TempDir Path dir) throws Exception {
        Path running = Files.createDirectory(dir.resolve("running"));
        Path started = dir.resolve("started");
        // Each job: note itself, say so, stay 3 s (longer than check_for_dequeue), leave.
        Path long_ = dir.resolve("long");
        // Once the test creates "long", new jobs stay 300 s: only the stop can end them. Each long job notes itself
        // in "longs": a job that noted itself in "started" just before "long" was created may still take that branch.
        Path longs = dir.resolve("longs");
        String job = "echo $$ >> " + started + "; touch " + running + "/$$; echo queue run by $$; if [ -e " + long_
                + " ]; then echo $$ >> " + longs + "; sleep 300; else sleep 3; fi; rm " + running + "/$$";
        Process launcher = LauncherCommand.start(LauncherCommand.of("--handler", "echo", "--port", "127.0.0.1:0",
                "--max_servers", "1", "--check_for_dequeue", "1", "--max_dequeue", "2", "--dequeue_command", job), launchers);
        BlockingQueue<String> lines = LauncherOutput.follow(launcher.getInputStream());
        LauncherOutput.awaitLine(lines, "queue run by");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        int most = 0;
        while (System.nanoTime() < deadline && (!Files.exists(started) || Files.readAllLines(started).size() < 4)) {
            most = Math.max(most, (int) countOf(running));
            Thread.sleep(100); // sampling how many run: no event says so
        }
        assertTrue(Files.readAllLines(started).size() >= 4, "jobs keep being started: " + Files.readAllLines(started));
        assertTrue(most >= 1 && most <= 2, "at most max_dequeue at once, saw " + most);
        LauncherOutput.awaitLine(lines, "exited with status 0");

        Files.createFile(long_);
        long longDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!Files.exists(longs) || Files.readAllLines(longs).size() < 2 || countOf(running) > 2 || !allLong(launcher, 2)) {
            assertTrue(System.nanoTime() < longDeadline, "two long jobs never ran at once");
            Thread.sleep(100); // sampling: no event says so
        }
        // The shells and their sleeps, as they are just before the stop.
        List<ProcessHandle> jobs = launcher.toHandle().descendants()
                .filter(each -> each.info().command().orElse("").matches(".*/(sh|dash|bash|sleep)")).toList();
        assertTrue(!jobs.isEmpty(), "a job runs (each lasts 3 s, one starts every second)");
        launcher.destroy();
        assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher did not stop");
        for (ProcessHandle each : jobs) {
            try {
                each.onExit().get(30, TimeUnit.SECONDS); // a 300 s sleep ends this soon only if the stop ended it
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("dequeue process " + each.pid() + " " + each.info().command() + " outlived the stop");
            }
        }
    }

    private static long countOf(Path dir) throws java.io.IOException {
        try (var entries = Files.list(dir)) {
            return entries.count();
        }
    }

    /** Whether {@code count} of the launcher's dequeue shells are in their 300 s sleep (the sleeps themselves, not the shells). */
    private static boolean allLong(Process launcher, int count) {
        return launcher.toHandle().descendants().filter(each -> each.info().command().orElse("").endsWith("/sleep")
                && each.info().commandLine().orElse("").contains("sleep 300")).count() >= count;
    }
}
