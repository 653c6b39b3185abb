package dev.prefork.engine;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.launch.JavaHomes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 13, sixth pass: on JDK 25 the workers' archive is an AOT cache made by the first worker that exits, and
 * the workers that start from it keep the JDK's archived module graph ({@code -Xlog:aot}: "full module graph:
 * enabled"), which is what makes them ~10-20 ms of CPU cheaper than with a dynamic archive, whose module graph a
 * worker's module options ({@code --add-exports}, native access) made the JVM give up at every start. The control:
 * the same pool with {@code --illegal-native-access=allow} in its options (what the supervisor itself runs with)
 * makes an archive without the graph, which shows the check can fail.
 */
class WorkerAotCacheTest extends EngineTestSupport {
    @Test
    void workersStartFromTheAotCacheWithTheModuleGraph(@TempDir Path dir) throws Exception {
        assertEquals("enabled", moduleGraphOfAWorkerFromTheArchive(dir, "aot", ""));
    }

    @Test
    void illegalNativeAccessWouldCostTheModuleGraph(@TempDir Path dir) throws Exception {
        assertEquals("disabled", moduleGraphOfAWorkerFromTheArchive(dir, "control", " " + JavaHomes.nativeAccessOption(25)));
    }

    /**
     * The trainer's exit starts a child JVM that assembles the cache with the worker's standard input: the child
     * must not hold the listening socket, or a supervisor restarted on the port cannot bind it while the cache is
     * written (SupervisorRestartTest failed so: "bind: Address already in use").
     */
    @Test
    void theChildAssemblingTheCacheDoesNotHoldTheListeningSocket(@TempDir Path dir) throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "workers use an AOT cache from JDK 25");
        // A cache of its own, so that its first worker trains whatever other tests left in the shared one.
        PreforkEngine engine = start(config(1).name("aot-child").set(EngineConfig.RUNTIME_DIR, dir.toString())
                .set(EngineConfig.MAX_REQUESTS, "2").set(EngineConfig.MAX_REQUESTS_JITTER, "0"));
        assertTrue(engine.awaitAccepting(Duration.ofSeconds(60)));
        List<Long> workers = Processes.children(engine.supervisorPid());
        assertEquals(1, workers.size(), "the trainer alone: " + workers);
        long trainer = workers.get(0);
        assertEquals("x", echo(engine));
        assertEquals("x", echo(engine)); // its max_requests: it exits and assembles the cache
        java.util.Set<String> childInputs = new java.util.LinkedHashSet<>();
        assertTrue(Processes.eventually(Duration.ofSeconds(60), () -> {
            for (long child : Processes.children(trainer)) {
                try {
                    childInputs.add(Files.readSymbolicLink(Path.of("/proc", Long.toString(child), "fd", "0")).toString());
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
            return ProcessHandle.of(trainer).isEmpty();
        }), "the trainer exited");
        assertTrue(!childInputs.isEmpty(), "the assembling child was seen while the trainer waited for it");
        assertTrue(childInputs.stream().noneMatch(input -> input.startsWith("socket:")), "its standard input: " + childInputs);
    }

    /**
     * A pool of one worker recycled every 2 connections: the first worker dumps the archive at its exit, its
     * successor (started before that exit) cannot use it, and the one after that does. Returns what the JVM
     * logged about the module graph in a worker that maps the archive.
     */
    private String moduleGraphOfAWorkerFromTheArchive(Path dir, String name, String extra) throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "workers use an AOT cache from JDK 25");
        Path logs = Files.createDirectory(dir.resolve(name));
        PreforkEngine engine = start(config(1).name("aot-" + name)
                .set(EngineConfig.MAX_REQUESTS, "2").set(EngineConfig.MAX_REQUESTS_JITTER, "0")
                .set(EngineConfig.WORKER_JVM_OPTIONS, EngineConfig.DEFAULT_WORKER_JVM_OPTIONS
                        + " -Xlog:aot=info:file=" + logs.resolve("aot-%p.log") + extra));
        long[] mapping = {0};
        assertTrue(Processes.eventually(Duration.ofSeconds(90), () -> {
            if (!"x".equals(echo(engine))) {
                return false;
            }
            mapping[0] = workerMappingAnAotCache(engine);
            return mapping[0] > 0;
        }), "a recycled worker started from the workers' AOT cache");
        List<String> log = Files.readAllLines(logs.resolve("aot-" + mapping[0] + ".log"));
        return log.stream().filter(line -> line.contains("] full module graph: "))
                .map(line -> line.substring(line.lastIndexOf(' ') + 1)).findFirst()
                .orElseThrow(() -> new AssertionError("worker " + mapping[0] + " logged nothing about the module graph: " + log));
    }

    private static String echo(PreforkEngine engine) {
        try {
            return LineClient.echoOnce(engine.boundPort(0), "x");
        } catch (IOException e) {
            return e.toString(); // a worker leaving at max_requests may close one; the next attempt goes to its successor
        }
    }

    /** The pid of a live worker that maps a {@code worker-*.aot} file of the cache, or 0. */
    private static long workerMappingAnAotCache(PreforkEngine engine) {
        for (long worker : Processes.children(engine.supervisorPid())) {
            try {
                if (Files.readString(Path.of("/proc", Long.toString(worker), "maps")).matches("(?s).*/worker-[0-9a-f]+\\.aot\n.*")) {
                    return worker;
                }
            } catch (IOException e) {
                // gone meanwhile
            }
        }
        return 0;
    }
}
