package dev.prefork.bench.scenario;

import dev.prefork.bench.BenchEnv;
import dev.prefork.bench.load.LoadGenerator;
import dev.prefork.bench.load.LoadSpec;
import dev.prefork.bench.load.Mode;
import dev.prefork.bench.target.PreforkTarget;
import dev.prefork.bench.target.RunningServer;
import dev.prefork.bench.target.ServerSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Makes the class-data archives the worker start-up variants use, by training: a pool of one worker
 * that serves a few connections and exits at max_requests, which writes the archive (a worker leaves
 * through Runtime.halt, which still runs the JVM's own exit steps that write CDS/AOT files).
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

    /** Dynamic AppCDS: the first worker writes it at exit, later workers map it. Same flags both times. */
    public String appCdsOptions() throws Exception {
        Path archive = dir.resolve("worker-appcds.jsa");
        Files.deleteIfExists(archive);
        String options = "-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=" + archive;
        train("train-appcds", options, archive);
        return options;
    }

    /** JDK 25 AOT cache (JEP 483/514): record a configuration, create the cache offline, then use it. */
    public String aotCacheOptions() throws Exception {
        Path config = dir.resolve("worker.aotconf");
        Path cache = dir.resolve("worker.aot");
        Files.deleteIfExists(config);
        Files.deleteIfExists(cache);
        train("train-aot", "-XX:AOTMode=record -XX:AOTConfiguration=" + config, config);
        List<String> create = new ArrayList<>();
        create.add(env.java().toString());
        create.addAll(List.of(PreforkTarget.DEFAULT_WORKER_JVM_OPTIONS.split(" ")));
        // An AOT cache is only used with the flags it was made with, native access included (field notes §1).
        create.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-XX:AOTMode=create",
                "-XX:AOTConfiguration=" + config, "-XX:AOTCache=" + cache, "-cp", env.processJar().toString()));
        Process p = new ProcessBuilder(create).redirectErrorStream(true)
                .redirectOutput(logDir.resolve("aot-create.log").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(cache)) {
            p.destroyForcibly();
            throw new IOException("creating the AOT cache failed; see " + logDir.resolve("aot-create.log"));
        }
        return "-XX:AOTCache=" + cache;
    }

    private void train(String name, String options, Path expected) throws Exception {
        Files.createDirectories(dir);
        PreforkTarget trainer = new PreforkTarget(name, env, options, List.of(), "flock");
        try (RunningServer server = trainer.start(new ServerSpec(port, 1, TRAINING_CONNECTIONS), logDir)) {
            LoadSpec load = LoadSpec.of(port, Mode.CONN, 1, Duration.ofSeconds(20), true)
                    .withDuration(Duration.ofSeconds(20));
            load = new LoadSpec(load.host(), load.port(), Mode.CONN, 1, Duration.ofSeconds(20), true, load.hold(),
                    TRAINING_CONNECTIONS, load.ioTimeout());
            LoadGenerator.run(load);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(Files.exists(expected) && Files.size(expected) > 0) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            // The file appears while it is written: wait until its size settles.
            long size = -1;
            while (Files.exists(expected) && Files.size(expected) != size && System.nanoTime() < deadline) {
                size = Files.size(expected);
                Thread.sleep(300);
            }
        }
        if (!Files.exists(expected)) {
            throw new IOException(name + ": the worker wrote no " + expected + "; see the logs in " + logDir);
        }
        progress.accept(name + ": " + expected + " (" + Files.size(expected) / 1024 + " KiB)");
    }
}
