package dev.prefork.engine.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineConfigTest {

    @Test
    void defaultsAreNetServersButForMaxRequests() {
        EngineConfig config = EngineConfig.fromMap(Map.of());
        assertEquals(50, config.maxServers());
        assertEquals(100000, config.maxRequests(), "Net::Server's 1000 costs a pool of JVM workers 75% of its throughput");
        assertEquals(Serialize.FLOCK, config.serialize());
        assertEquals(30, config.checkForDead());
        assertEquals(new PortSpec("*", 20203, null), config.ports().get(0));
        assertTrue(config.lockFile().isEmpty());
        assertEquals(50000, config.maxRequestsJitter(), "half of max_requests: a tenth did not separate the exits in the benchmark");
        assertEquals(0, EngineConfig.builder().maxRequests(0).build().maxRequestsJitter());
    }

    @Test
    void shortLivedWorkersRunInterpretedUnlessTheirOptionsAreGiven() {
        java.util.List<String> compiled = java.util.List.of(EngineConfig.DEFAULT_WORKER_JVM_OPTIONS.split(" "));
        java.util.List<String> interpreted = java.util.List.of(EngineConfig.INTERPRETED_WORKER_JVM_OPTIONS.split(" "));
        assertEquals(compiled, EngineConfig.fromMap(Map.of()).workerJvmOptions());
        assertEquals(compiled, EngineConfig.builder().maxRequests(0).build().workerJvmOptions(), "0 is no limit");
        assertEquals(compiled, EngineConfig.builder().maxRequests(EngineConfig.INTERPRETED_MAX_REQUESTS + 1).build().workerJvmOptions());
        assertEquals(interpreted, EngineConfig.builder().maxRequests(EngineConfig.INTERPRETED_MAX_REQUESTS).build().workerJvmOptions());
        assertEquals(interpreted, EngineConfig.builder().maxRequests(1).build().workerJvmOptions());
        // Given options are the user's choice, even the compiled defaults at a small max_requests.
        EngineConfig given = EngineConfig.fromMap(Map.of(EngineConfig.MAX_REQUESTS, "100",
                EngineConfig.WORKER_JVM_OPTIONS, EngineConfig.DEFAULT_WORKER_JVM_OPTIONS));
        assertEquals(compiled, given.workerJvmOptions());
        EngineConfig chosen = EngineConfig.builder().maxRequests(100).build();
        assertEquals(chosen, EngineConfig.fromMap(chosen.toMap()), "the supervisor receives the options chosen");
    }

    @Test
    void statusAndAgentPortsAreOffByDefaultAndBindLoopbackWhenOnlyAPortIsGiven() {
        EngineConfig defaults = EngineConfig.fromMap(Map.of());
        assertTrue(defaults.statusPort().isEmpty());
        assertTrue(defaults.agentPort().isEmpty());
        EngineConfig config = EngineConfig.fromMap(Map.of(EngineConfig.STATUS_PORT, "9100", EngineConfig.AGENT_PORT, "*:9101"));
        assertEquals(new PortSpec("127.0.0.1", 9100, null), config.statusPort().orElseThrow());
        assertEquals(new PortSpec("*", 9101, null), config.agentPort().orElseThrow());
        assertEquals(config, EngineConfig.fromMap(config.toMap()));

        ConfigException unix = assertThrows(ConfigException.class,
                () -> EngineConfig.fromMap(Map.of(EngineConfig.STATUS_PORT, "/run/status.sock")));
        assertTrue(unix.getMessage().contains("status_port") && unix.getMessage().contains("HttpServer binds TCP addresses only"),
                unix.getMessage());
        ConfigException bad = assertThrows(ConfigException.class,
                () -> EngineConfig.fromMap(Map.of(EngineConfig.AGENT_PORT, "70000")));
        assertTrue(bad.getMessage().contains("agent_port"), bad.getMessage());
        ConfigException same = assertThrows(ConfigException.class,
                () -> EngineConfig.fromMap(Map.of(EngineConfig.STATUS_PORT, "9100", EngineConfig.AGENT_PORT, "127.0.0.1:9100")));
        assertTrue(same.getMessage().contains("same as status_port"), same.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "20204;*;20204;",
            "localhost:20204;localhost;20204;",
            "127.0.0.1:20204/tcp;127.0.0.1;20204;",
            "[::1]:20204;::1;20204;",
            "*:0;*;0;",
            "/run/app.sock;;;/run/app.sock",
            "/run/app.sock|unix;;;/run/app.sock",
    })
    void portsInNetServerSyntax(String text, String host, Integer port, String path) {
        PortSpec spec = PortSpec.parse(text, "*");
        assertEquals(path, spec.unixPath());
        if (path == null) {
            assertEquals(host, spec.host());
            assertEquals(port, spec.port());
        }
        assertEquals(spec, PortSpec.parse(spec.toString(), "*"), "the text form reads back");
    }

    @ParameterizedTest
    @ValueSource(strings = {"70000", "-1", "abc", "::1:20204", "host:", ":20204", "[::1]20204"})
    void badPortsAreRefusedNamingTheSetting(String text) {
        ConfigException error = assertThrows(ConfigException.class, () -> EngineConfig.builder().ports(text).build());
        assertEquals("port", error.key());
        assertEquals(text, error.value());
    }

    @Test
    void severalPortsAndTheirRoundTrip() {
        EngineConfig config = EngineConfig.builder().ports("localhost:20204", "20205", "/tmp/x.sock").maxRequests(0).build();
        assertEquals(3, config.ports().size());
        assertEquals(0, config.maxRequests(), "0 is unlimited");
        assertEquals(config, EngineConfig.fromMap(config.toMap()));
    }

    @ParameterizedTest
    @CsvSource({
            "max_servers,0,from 1 to 1024",
            "max_servers,1025,from 1 to 1024",
            "max_servers,lots,from 1 to 1024",
            "max_requests,-1,0 or more",
            "check_for_dead,0,from 1 to 86400",
            "serialize,foo,one of flock, semaphore, pipe, none",
            "lock_file,relative.lock,absolute path",
            "java_home,jdk,absolute path",
            "name,a b,letters, digits",
    })
    void everyBadValueSaysWhatIsAllowed(String key, String value, String allowed) {
        ConfigException error = assertThrows(ConfigException.class, () -> EngineConfig.builder().set(key, value).build());
        assertEquals(key, error.key());
        assertTrue(error.getMessage().startsWith(key + "='" + value + "' is not valid: "), error.getMessage());
        assertTrue(error.getMessage().contains(allowed), error.getMessage());
    }
}
