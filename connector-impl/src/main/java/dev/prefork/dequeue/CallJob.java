package dev.prefork.dequeue;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A dequeue job that is a method call in this JVM ({@code runDequeue()} of an MDB or a bean), run on a
 * thread its host gives it. It is not asked to end at stop (a call cannot be), only interrupted once the
 * grace period is over; a call that ignores the interrupt keeps its thread, and the schedule logs it.
 */
public final class CallJob implements DequeueJob {

    /** Hands the call to a thread: the host's WorkManager, or a thread of its own. */
    @FunctionalInterface
    public interface Launcher {
        /**
         * Runs {@code task} on another thread, or calls {@code refused} with the reason when it never will.
         */
        void launch(Runnable task, Consumer<String> refused);
    }

    private final String describe;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    /** The thread running the call while it runs, else null; guarded by this. */
    private Thread thread;

    private CallJob(String describe) {
        this.describe = describe;
    }

    /**
     * Launches {@code call}; failures of the call are the caller's to log inside it (the job ends either way).
     *
     * @param refused told why, when the launcher never runs it (the job has ended then)
     */
    public static CallJob start(String describe, Runnable call, Launcher launcher, Consumer<String> refused) {
        CallJob job = new CallJob(describe);
        launcher.launch(() -> job.run(call), why -> {
            job.ended.complete(null);
            refused.accept(why);
        });
        return job;
    }

    private void run(Runnable call) {
        synchronized (this) {
            if (ended.isDone()) {
                return;
            }
            thread = Thread.currentThread();
        }
        try {
            call.run();
        } finally {
            synchronized (this) {
                thread = null;
                // An interrupt meant for this call must not reach the next task of a pooled thread.
                Thread.interrupted();
            }
            ended.complete(null);
        }
    }

    @Override
    public CompletableFuture<?> ended() {
        return ended;
    }

    @Override
    public void askToEnd() {
        // A call cannot be asked: it is given the grace period to return.
    }

    @Override
    public synchronized void forceToEnd() {
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public String describe() {
        return describe;
    }
}
