package dev.prefork.embedded;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The JVM-exit backstop of one container's pools: a shutdown hook, registered before the first pool
 * starts and removed once the container stopped them, that stops them when the JVM exits first.
 *
 * <p>Why the extension needs its own: a SIGINT or SIGTERM that arrives while the container is still
 * starting (the ports already answer, {@code Weld.initialize()} has not returned) finds no container to
 * close: {@link Main}'s hook and Weld's need one, and an application may have skipped Weld's. The JVM then
 * ended with the pools running; their supervisors, left behind, were killed by whoever cleaned up after
 * the JVM ({@code bin/sample embedded}, a service manager) and the pools' private directories stayed in
 * the runtime directory. A JVM ends once every shutdown hook has returned, so this hook first waits for a
 * start in progress to finish (bounded) and then for the stop itself: when the JVM ends, every supervisor
 * and worker has ended and every private directory is removed by the engine that made it.
 */
final class StopAtExit {
    private static final Logger LOG = Logger.getLogger(StopAtExit.class.getName());

    private final Thread hook;
    /** Opened when the container's start of its pools is over, whether they started or not. */
    private final CountDownLatch startOver = new CountDownLatch(1);
    private final long startLimitSeconds;

    /** {@code stopAll} stops every pool started so far and returns when they are stopped. */
    StopAtExit(Runnable stopAll, long startLimitSeconds) {
        this.startLimitSeconds = startLimitSeconds;
        this.hook = new Thread(() -> {
            awaitStartOver();
            stopAll.run();
        }, "prefork-embedded-stop-at-exit");
    }

    /**
     * Registers the hook; call before the first pool starts.
     *
     * @throws IllegalStateException when the JVM is already exiting: then start nothing
     */
    void install() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The start is over (started, or failed and stopped again): a hook waiting for it goes on. */
    void startOver() {
        startOver.countDown();
    }

    /** The container stopped its pools itself: the hook is no longer needed (a test kit boots many containers). */
    void remove() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is exiting: the hook runs or has run, and finds the pools stopped.
        }
    }

    private void awaitStartOver() {
        try {
            if (!startOver.await(startLimitSeconds, TimeUnit.SECONDS)) {
                LOG.warning("the JVM is exiting and the listener pools' start has not ended after " + startLimitSeconds
                        + " s; stopping those that started");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
