package dev.prefork.dequeue;

import dev.prefork.engine.protocol.LogThrottle;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * PreForkSimple's dequeue loop, for every host: every {@code check_for_dequeue} seconds (the first time
 * after that long) a job is started unless {@code max_dequeue} jobs still run. A job still running when
 * the next check comes counts against {@code max_dequeue}; a check that starts nothing for that reason
 * is logged (at most once a minute), with how long the oldest job has run, since a job that never ends
 * stops the schedule for good. At stop no job starts any more, every running one is asked to end
 * ({@link DequeueJob#askToEnd()}), waited for up to the grace period, then forced
 * ({@link DequeueJob#forceToEnd()}) and waited for 10 s more; one that still runs is logged.
 *
 * <p>One timer thread per schedule; the jobs run wherever their {@link Starter} puts them (a process,
 * a WorkManager thread), at most {@code max_dequeue} (≤ 64) at once.
 */
public final class DequeueSchedule {
    /** How long a stop waits for the forced jobs after the grace period. */
    private static final int AFTER_FORCE_SECONDS = 10;

    /** Starts one job. */
    @FunctionalInterface
    public interface Starter {
        /**
         * @return the running job
         * @throws Exception when it could not be started (logged; the next check tries again)
         */
        DequeueJob start() throws Exception;
    }

    private record Running(DequeueJob job, long startedNanos) {
    }

    private final String name;
    private final DequeueTimes times;
    private final int graceSeconds;
    private final Starter starter;
    private final Consumer<String> warn;
    private final List<Running> running = new ArrayList<>();
    private final LogThrottle overdue = new LogThrottle(1, TimeUnit.MINUTES);
    private final ScheduledExecutorService timer;
    private boolean stopped;

    private DequeueSchedule(String name, DequeueTimes times, int graceSeconds, Starter starter, Consumer<String> warn) {
        this.name = name;
        this.times = times;
        this.graceSeconds = graceSeconds;
        this.starter = starter;
        this.warn = warn;
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "prefork-dequeue-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts the schedule; its first job comes after {@code check_for_dequeue} seconds.
     *
     * @param name         names the timer thread and every log line ("calculator")
     * @param graceSeconds how long a stop waits for running jobs before it forces them (graceful_shutdown_timeout)
     * @param warn         where the schedule's log lines go, each a complete sentence starting with {@code name}
     */
    public static DequeueSchedule start(String name, DequeueTimes times, int graceSeconds, Starter starter,
                                        Consumer<String> warn) {
        DequeueSchedule schedule = new DequeueSchedule(name, times, graceSeconds, starter, warn);
        schedule.timer.scheduleWithFixedDelay(schedule::check, times.everySeconds(), times.everySeconds(), TimeUnit.SECONDS);
        return schedule;
    }

    private synchronized void check() {
        running.removeIf(each -> each.job().ended().isDone());
        if (stopped) {
            return;
        }
        if (running.size() >= times.max()) {
            long oldest = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - running.get(0).startedNanos());
            String line = overdue.line(name + ": dequeue: no job started: max_dequeue=" + times.max() + " still run, the oldest ("
                    + running.get(0).job().describe() + ") for " + oldest + " s; check_for_dequeue is " + times.everySeconds() + " s");
            if (line != null) {
                warn.accept(line);
            }
            return;
        }
        try {
            running.add(new Running(starter.start(), System.nanoTime()));
        } catch (Exception | LinkageError e) {
            warn.accept(name + ": dequeue: cannot start a job: " + e);
        }
    }

    /** How many jobs run now. */
    public synchronized int runningJobs() {
        running.removeIf(each -> each.job().ended().isDone());
        return running.size();
    }

    /**
     * No new job; every running one is asked to end, given the grace period, then forced. Returns once
     * every job ended or the bounds are over. Only the first call does it.
     */
    public void stop() {
        List<DequeueJob> jobs = new ArrayList<>();
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            running.forEach(each -> jobs.add(each.job()));
        }
        timer.shutdownNow();
        jobs.forEach(DequeueJob::askToEnd);
        List<DequeueJob> left = awaitEnd(jobs, graceSeconds);
        if (left == null) {
            return;
        }
        left.forEach(DequeueJob::forceToEnd);
        left = awaitEnd(left, AFTER_FORCE_SECONDS);
        if (left != null) {
            left.forEach(job -> warn.accept(name + ": dequeue: " + job.describe() + " did not end"));
        }
    }

    /** The jobs still running after {@code seconds} (in all), or null when interrupted (the interrupt stays set). */
    private static List<DequeueJob> awaitEnd(List<DequeueJob> jobs, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<DequeueJob> left = new ArrayList<>();
        for (DequeueJob job : jobs) {
            try {
                job.ended().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                left.add(job);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
                // ended all the same
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return left;
    }
}
