package dev.prefork.engine;

import dev.prefork.bridge.ConnectionHandler;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.standalone.BuiltinHandlers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

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

    @AfterEach
    void stopEverything() {
        try {
            engines.forEach(PreforkEngine::stop);
        } finally {
            Processes.killDescendants();
        }
    }
}
