package dev.prefork.bench.scenario;

import dev.prefork.bench.load.LoadGenerator;
import dev.prefork.bench.load.LoadSpec;
import dev.prefork.bench.load.Mode;
import dev.prefork.bench.server.PreforkTarget;
import dev.prefork.bench.server.RunningServer;
import dev.prefork.bench.server.ServerSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Class-data archives for the workers, made before anything is measured: a pool of one worker that
 * serves a few connections and exits at max_requests, which is when a JVM writes its archive.
 * <ul>
 *   <li>{@link #prime}: the engine's own archive (worker_cds, on by default; from JDK 25 an AOT cache): the
 *       first worker that exits writes it, so a measurement right after a build would otherwise include that dump.</li>
 * </ul>
 */
public final class WorkerArchives {
    private final Path logDir;
    private final int port;
    private final Consumer<String> progress;
    /**
     * How many connections the training worker serves (its max_requests): above the engine's bound for interpreted
     * workers, so that a target that leaves worker_jvm_options unset trains the compiled defaults' archive, which
     * the measured pools with large max_requests use and whose workers never exit during a run to train it.
     */
    private final int trainingConnections;

    public WorkerArchives(Path logDir, int port, int interpretedMaxRequests, Consumer<String> progress) {
        this.logDir = logDir;
        this.port = port;
        this.trainingConnections = Math.max(50, interpretedMaxRequests + 1);
        this.progress = progress;
    }

    /** Lets one worker of {@code target} live and exit, so the engine's archive for its options exists. */
    public void prime(PreforkTarget target) throws Exception {
        long begin = System.nanoTime();
        train(target);
        // The supervisor moves the dump into its cache after the worker is reaped; give it a moment.
        Thread.sleep(500);
        progress.accept("primed " + target.name() + " (a worker at max_requests " + trainingConnections + " served its connections and exited) in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin) + " ms");
    }

    private void train(PreforkTarget target) throws Exception {
        try (RunningServer server = target.start(new ServerSpec(port, 1, trainingConnections), logDir)) {
            LoadSpec load = new LoadSpec("127.0.0.1", port, Mode.CONN, 1, Duration.ofSeconds(20), true,
                    Duration.ZERO, 2L * trainingConnections, Duration.ofSeconds(5));
            // Twice max_requests: the engine's default jitter lets a worker serve up to half as many again before it
            // exits; what is left goes to its replacement.
            LoadGenerator.run(load);
            // The worker exits after its last connection and writes its archive on the way out; on JDK 25 (an AOT
            // cache) that takes a child JVM about a second of CPU, longer under load. Stopping the pool earlier
            // would cut it short, and the first measured pool would train instead.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            // (The supervisor may be training an archive of its own, which it writes when the pool stops.)
            while (server.tree().stream().anyMatch(p -> p.cmdline().contains("WorkerMain") && (p.cmdline().contains("-XX:AOTCacheOutput=")
                    || p.cmdline().contains("-XX:ArchiveClassesAtExit=")))) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("the training worker of " + target.name() + " did not exit within 120 s; see " + logDir);
                }
                Thread.sleep(200);
            }
            // Then its replacement starts.
            Thread.sleep(1000);
        }
    }
}
