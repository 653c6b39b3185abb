package dev.prefork.standalone;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The launcher's stop at the JVM's exit (TERM, INT, System.exit): a shutdown hook, registered before the
 * server starts, that stops the dequeue jobs, then the server, then removes the pid_file (after the ports
 * are closed: while it exists, the server is there).
 *
 * <p>Why before the start: {@code PreforkEngine.start} returns only once the supervisor reported ready,
 * and its worker may accept (and be served) before that. A Ctrl-C in that window used to meet a JVM with
 * no hook of ours: the JVM ended with the supervisor and its workers running, and the engine that owns
 * the private directory (in this JVM) never removed it; an orphaned supervisor cleans up after itself
 * only if nothing kills it first. A JVM ends once every hook has returned, so this hook first waits for a
 * start in progress to end: at most {@code graceful_shutdown_timeout}, then it abandons the start by
 * interrupting the thread that runs it (the engine's start then stops what it started and removes its
 * private directory) and waits for that too. So when the JVM ends, nothing of the server is left.
 */
final class StopAtExit {
    /** What abandoning a start may take: the engine's release waits 10 s for the supervisor, then kills it and waits 10 s. */
    private static final Duration ABANDON_LIMIT = Duration.ofSeconds(30);

    private final DequeueJobs jobs;
    private final PidFile pidFile;
    private final Duration startWait;
    private final PrintStream out;
    /** The thread that runs the start: interrupted when the JVM exits and the start has not ended in time. */
    private final Thread starting = Thread.currentThread();
    /** Opened when the start is over, whether the server started or not. */
    private final CountDownLatch startOver = new CountDownLatch(1);
    /** Opened when the hook has stopped everything. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** How to stop the server; null until it started. Guarded by this. */
    private Runnable server;
    private volatile boolean exiting;
    /** Whether this hook gave up waiting and interrupted the start. Written and read by the hook only. */
    private boolean abandoned;

    private StopAtExit(DequeueJobs jobs, PidFile pidFile, Duration startWait, PrintStream out) {
        this.jobs = jobs;
        this.pidFile = pidFile;
        this.startWait = startWait;
        this.out = out;
    }

    /**
     * Registers the hook; call on the thread that will start the server, before it starts it.
     *
     * @param startWait how long the hook waits for a start in progress before abandoning it
     */
    static StopAtExit install(DequeueJobs jobs, PidFile pidFile, Duration startWait, PrintStream out) {
        StopAtExit stop = new StopAtExit(jobs, pidFile, startWait, out);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::run, "prefork-stop"));
        return stop;
    }

    /** The server started; {@code stopServer} stops it and returns when it is stopped. */
    synchronized void started(Runnable stopServer) {
        server = stopServer;
        startOver.countDown();
    }

    /** The start failed (and stopped whatever of it had started). */
    synchronized void startFailed() {
        startOver.countDown();
    }

    /** Whether the JVM is exiting: the hook runs (or ran) and stops what started; start nothing more. */
    boolean exiting() {
        return exiting;
    }

    /** Waits until the hook has stopped everything. */
    void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Like {@link #awaitStopped()} for at most {@code seconds}; true when stopped. */
    boolean awaitStopped(int seconds) throws InterruptedException {
        return stopped.await(seconds, TimeUnit.SECONDS);
    }

    private void run() {
        exiting = true;
        try {
            if (jobs != null) {
                jobs.stop();
            }
            Runnable toStop = awaitStartOver();
            if (toStop != null) {
                toStop.run();
            }
            if (pidFile != null) {
                pidFile.remove();
            }
            if (toStop != null || abandoned) {
                out.println("prefork: stopped"); // not after a start that failed on its own: its error is the last word
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    /** Waits for a start in progress, abandoning it when it takes longer than startWait; returns the server's stop, if it started. */
    private Runnable awaitStartOver() throws InterruptedException {
        if (!startOver.await(startWait.toMillis(), TimeUnit.MILLISECONDS)) {
            synchronized (this) {
                if (startOver.getCount() > 0) {
                    out.println("prefork: exiting while the server starts; it has not started after " + startWait.toSeconds()
                            + " s: abandoning the start");
                    starting.interrupt(); // only while the start runs: once over, the thread is no longer ours to interrupt
                    abandoned = true;
                }
            }
            if (!startOver.await(ABANDON_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                out.println("prefork: the abandoned start has not ended after " + ABANDON_LIMIT.toSeconds()
                        + " s more; exiting without it");
            }
        }
        synchronized (this) {
            return server;
        }
    }
}
