package dev.prefork.engine;

import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Serialize;
import dev.prefork.standalone.BuiltinHandlers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stop() leaves nothing behind; bad settings fail at once with one clear message and start nothing. */
class StopAndErrorsTest extends EngineTestSupport {

    @ParameterizedTest
    @EnumSource(Serialize.class)
    void stopLeavesNothingBehind(Serialize mode) throws Exception {
        PreforkEngine engine = start(config(2).serialize(mode));
        int port = engine.boundPort(0);
        assertEquals("x", LineClient.echoOnce(port, "x"));
        List<Long> ours = new ArrayList<>(Processes.children(engine.supervisorPid()));
        ours.add(engine.supervisorPid());
        Path runtime = runtimeDirectoryOf(engine);
        assertTrue(Files.exists(runtime.resolve("bridge.sock")));
        // The pool's own semaphore, by id: other processes on the machine (another test JVM, other pools) make and
        // remove semaphores of their own meanwhile, so counting all of them would not say what this pool left.
        String semaphore = mode == Serialize.SEMAPHORE ? workerEnvironment(engine, "PREFORK_ACCEPT_LOCK") : null;
        if (semaphore != null) {
            assertTrue(Processes.semaphoreIds().contains(semaphore), "the pool made semaphore " + semaphore);
        }

        engine.stop();

        assertTrue(ours.stream().noneMatch(Processes::alive), "no process of ours is left: " + ours);
        assertFalse(Files.exists(runtime), "the private directory (bridge socket, lock file, FIFO, scoreboard) is gone");
        if (semaphore != null) {
            assertFalse(Processes.semaphoreIds().contains(semaphore), "semaphore " + semaphore + " is removed");
        }
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", port));
        }
        assertFalse(engine.isRunning());
        engine.stop(); // a second stop does nothing
    }

    @Test
    void aConfiguredLockFileIsKeptAndAGeneratedOneRemoved(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path lock = dir.resolve("pool.lock");
        PreforkEngine engine = start(config(2).lockFile(lock));
        assertEquals("y", LineClient.echoOnce(engine.boundPort(0), "y"));
        engine.stop();
        assertTrue(Files.exists(lock), "a lock_file the operator named is theirs");
    }

    @Test
    void badValuesNameTheKeyTheValueAndWhatIsAllowed() {
        ConfigException zero = assertThrows(ConfigException.class, () -> config(0).build());
        assertEquals("max_servers", zero.key());
        assertTrue(zero.getMessage().contains("max_servers='0'") && zero.getMessage().contains("1 to 1024"), zero.getMessage());

        ConfigException foo = assertThrows(ConfigException.class,
                () -> EngineConfig.builder().set("serialize", "foo").build());
        assertTrue(foo.getMessage().contains("serialize='foo'") && foo.getMessage().contains("flock, semaphore, pipe, none"), foo.getMessage());

        ConfigException typo = assertThrows(ConfigException.class,
                () -> EngineConfig.builder().set("max_server", "4").build());
        assertTrue(typo.getMessage().contains("unknown setting"), typo.getMessage());
    }

    @Test
    void aPortInUseFailsTheStartAndLeavesNothingRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            EngineException failure = assertThrows(EngineException.class, () ->
                    PreforkEngine.start(config(2).ports("127.0.0.1:" + port).build(), BuiltinHandlers.ECHO));
            assertTrue(failure.getMessage().contains("127.0.0.1:" + port) && failure.getMessage().contains("Address already in use"),
                    failure.getMessage());
        }
        assertNothingOfOursRuns();
    }

    @Test
    void anUnwritableLockFileFailsTheStartAndLeavesNothingRunning() throws Exception {
        // Even root cannot create a file below a regular file.
        Path impossible = Path.of("/proc/self/status/pool.lock");
        ConfigException failure = assertThrows(ConfigException.class, () ->
                PreforkEngine.start(config(2).lockFile(impossible).build(), BuiltinHandlers.ECHO));
        assertEquals("lock_file", failure.key());
        assertTrue(failure.getMessage().contains(impossible.toString()), failure.getMessage());
        assertNothingOfOursRuns();
    }

    @Test
    void aJavaHomeOlderThan22IsRefusedWithTheSettingToChange() throws Exception {
        Path jdk17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(jdk17.resolve("bin/java")), "a JDK 17 on this machine");
        ConfigException failure = assertThrows(ConfigException.class, () ->
                PreforkEngine.start(config(2).javaHome(jdk17).build(), BuiltinHandlers.ECHO));
        assertEquals("java_home", failure.key());
        assertTrue(failure.getMessage().contains("JDK 17") && failure.getMessage().contains("22 or newer"), failure.getMessage());
        assertNothingOfOursRuns();
    }

    @Test
    void workersThatCannotStartFailTheStartWithTheReason() throws Exception {
        EngineException failure = assertThrows(EngineException.class, () ->
                PreforkEngine.start(config(2).set("worker_jvm_options", "-XX:+NoSuchJvmOption").build(), BuiltinHandlers.ECHO));
        assertTrue(failure.getMessage().contains("exited before accepting") && failure.getMessage().contains("worker_jvm_options"),
                failure.getMessage());
        assertNothingOfOursRuns();
    }

    private static void assertNothingOfOursRuns() {
        assertEquals(0, ProcessHandle.current().children().filter(ProcessHandle::isAlive).count(),
                "no supervisor or worker was left running");
    }
}
