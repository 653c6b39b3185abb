package dev.prefork.engine;

import dev.prefork.bridge.ConnectionHandler;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.standalone.BuiltinHandlers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Starts real engines (supervisor and worker JVMs) on kernel-chosen loopback ports and guarantees that
 * each test leaves nothing running, whatever happened in it.
 */
@Timeout(180)
abstract class EngineTestSupport {
    private final List<PreforkEngine> engines = new ArrayList<>();

    static EngineConfig.Builder config(int maxServers) {
        return EngineConfig.builder().ports("127.0.0.1:0").maxServers(maxServers).name("test");
    }

    PreforkEngine start(EngineConfig.Builder config) throws Exception {
        return start(config, BuiltinHandlers.ECHO);
    }

    PreforkEngine start(EngineConfig.Builder config, ConnectionHandler handler) throws Exception {
        PreforkEngine engine = PreforkEngine.start(config.build(), handler);
        engines.add(engine);
        assertTrue(engine.awaitAccepting(Duration.ofSeconds(60)), "every worker reached its accept loop");
        return engine;
    }

    /**
     * Starts {@code config} (a pool of one) with the default worker options, {@code -Xlog:class+load} into
     * {@code logs} and then {@code extraWorkerOptions}, serves one client, stops it, and returns the lines its workers logged.
     */
    List<String> classLoadLinesOfOneClient(EngineConfig.Builder config, Path logs, String extraWorkerOptions) throws Exception {
        PreforkEngine engine = start(config.set(EngineConfig.WORKER_JVM_OPTIONS, EngineConfig.DEFAULT_WORKER_JVM_OPTIONS
                + " -Xlog:class+load=info:file=" + logs.resolve("classes-%p.log") + extraWorkerOptions));
        assertEquals("served", LineClient.echoOnce(engine.boundPort(0), "served"));
        engine.stop();
        List<String> loaded = new ArrayList<>();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : files.toList()) {
                loaded.addAll(Files.readAllLines(file));
            }
        }
        return loaded;
    }

    /** The pool's snapshot, for conditions polled by {@link Processes#eventually}: a failure to take it fails the test. */
    static PoolSnapshot snapshotOf(PreforkEngine engine) {
        try {
            return engine.snapshot();
        } catch (EngineException e) {
            throw new AssertionError(e);
        }
    }

    /** The private directory is the bridge socket's parent; the worker's environment names it. */
    static Path runtimeDirectoryOf(PreforkEngine engine) throws Exception {
        return Path.of(workerEnvironment(engine, "PREFORK_BRIDGE_SOCKET")).getParent();
    }

    /** A variable of a worker's environment, read from /proc. */
    static String workerEnvironment(PreforkEngine engine, String key) throws Exception {
        long worker = Processes.children(engine.supervisorPid()).get(0);
        String environ = Files.readString(Path.of("/proc", Long.toString(worker), "environ"));
        for (String variable : environ.split("\0")) {
            if (variable.startsWith(key + "=")) {
                return variable.substring(key.length() + 1);
            }
        }
        throw new AssertionError("no " + key + " in the worker's environment");
    }

    @AfterEach
    void stopEverything() {
        try {
            engines.forEach(PreforkEngine::stop);
        } finally {
            Processes.killDescendants();
        }
    }
}
