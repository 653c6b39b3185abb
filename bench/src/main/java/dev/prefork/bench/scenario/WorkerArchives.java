package dev.prefork.bench.scenario;

import dev.prefork.bench.BenchEnv;
import dev.prefork.bench.load.LoadGenerator;
import dev.prefork.bench.load.LoadSpec;
import dev.prefork.bench.load.Mode;
import dev.prefork.bench.server.PreforkTarget;
import dev.prefork.bench.server.RunningServer;
import dev.prefork.bench.server.ServerSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Class-data archives for the workers, made before anything is measured: a pool of one worker that
 * serves a few connections and exits at max_requests, which is when a JVM writes its archive.
 * <ul>
 *   <li>{@link #prime}: the engine's own archive (worker_cds, on by default): the first worker that
 *       exits writes it, so a measurement right after a build would otherwise include that dump.</li>
 *   <li>{@link #aotCacheOptions}: a JDK 25 AOT cache (JEP 483/514), recorded by a worker, created
 *       offline, then given to the workers with worker_cds off.</li>
 * </ul>
 */
public final class WorkerArchives {
    private static final int TRAINING_CONNECTIONS = 50;

    private final BenchEnv env;
    private final Path dir;
    private final Path logDir;
    private final int port;
    private final Consumer<String> progress;

    public WorkerArchives(BenchEnv env, Path dir, Path logDir, int port, Consumer<String> progress) {
        this.env = env;
        this.dir = dir;
        this.logDir = logDir;
        this.port = port;
        this.progress = progress;
    }

    /** Lets one worker of {@code target} live and exit, so the engine's archive for its options exists. */
    public void prime(PreforkTarget target) throws Exception {
        long begin = System.nanoTime();
        train(target);
        // The supervisor moves the dump into its cache after the worker is reaped; give it a moment.
        Thread.sleep(500);
        progress.accept("primed " + target.name() + " (a worker served " + TRAINING_CONNECTIONS + " connections and exited) in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin) + " ms");
    }

    /** Records, creates and returns the worker_jvm_options that use a JDK 25 AOT cache. */
    public String aotCacheOptions() throws Exception {
        Files.createDirectories(dir);
        Path config = dir.resolve("worker.aotconf");
        Path cache = dir.resolve("worker.aot");
        Files.deleteIfExists(config);
        Files.deleteIfExists(cache);
        String defaults = env.engineDefaultWorkerOptions();
        train(PreforkTarget.variant(env, "train-aot", Map.of("worker_cds", "false",
                "worker_jvm_options", defaults + " -XX:AOTMode=record -XX:AOTConfiguration=" + config)));
        waitForFile(config);
        List<String> create = new ArrayList<>();
        create.add(env.java().toString());
        create.addAll(List.of(defaults.split("\\s+")));
        create.addAll(List.of("-XX:AOTMode=create", "-XX:AOTConfiguration=" + config, "-XX:AOTCache=" + cache,
                "-cp", env.processJar().toString()));
        Path log = logDir.resolve("aot-create.log");
        Process p = new ProcessBuilder(create).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(cache)) {
            p.destroyForcibly();
            throw new IOException("creating the AOT cache failed; see " + log);
        }
        progress.accept("AOT cache " + cache + " (" + Files.size(cache) / 1024 + " KiB)");
        return defaults + " -XX:AOTCache=" + cache;
    }

    private void train(PreforkTarget target) throws Exception {
        try (RunningServer server = target.start(new ServerSpec(port, 1, TRAINING_CONNECTIONS), logDir)) {
            LoadSpec load = new LoadSpec("127.0.0.1", port, Mode.CONN, 1, Duration.ofSeconds(20), true,
                    Duration.ZERO, TRAINING_CONNECTIONS, Duration.ofSeconds(5));
            LoadGenerator.run(load);
            // The worker exits after its last connection and the replacement starts: wait for both.
            Thread.sleep(1500);
        }
    }

    private static void waitForFile(Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long size = -1;
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.size(file) > 0 && Files.size(file) == size) {
                return;
            }
            size = Files.exists(file) ? Files.size(file) : -1;
            Thread.sleep(300);
        }
        throw new IOException("no " + file + " was written; see the training logs");
    }
}
