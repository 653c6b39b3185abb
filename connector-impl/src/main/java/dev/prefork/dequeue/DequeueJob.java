package dev.prefork.dequeue;

import java.util.concurrent.CompletableFuture;

/**
 * One running dequeue job, as {@link DequeueSchedule} counts and stops it. A job is asked to end
 * first and forced to only when it has not ended within the stop's grace period.
 */
public interface DequeueJob {

    /** Completes once the job has ended, however it ended. */
    CompletableFuture<?> ended();

    /** The polite request to end (a process: TERM); may do nothing (a call is left to return). */
    void askToEnd();

    /** The last word, once the grace period is over (a process: KILL; a call: its thread is interrupted). */
    void forceToEnd();

    /** What the log calls the job: "process 1234", "call of runDequeue()". */
    String describe();
}
