package dev.prefork.bridge;

import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * An {@link Executor} whose threads may take a while to start a task (a container's WorkManager, whose
 * start is awaited up to a bound), with a way to hand a task over without that wait: the caller may be
 * the one thread that serves every connection waiting for its first bytes, and must never stall them all.
 */
public interface PatientExecutor extends Executor {
    /**
     * Hands {@code task} over and returns at once. When no thread starts it within the executor's bound,
     * it never runs and {@code refused} is called with the reason instead, on another thread.
     */
    void executeWithoutWaiting(Runnable task, Consumer<String> refused);
}
