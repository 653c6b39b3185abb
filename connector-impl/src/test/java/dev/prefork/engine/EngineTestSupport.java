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
