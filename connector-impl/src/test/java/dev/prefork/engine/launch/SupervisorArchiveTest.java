package dev.prefork.engine.launch;

import dev.prefork.engine.PreforkEngine;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.standalone.BuiltinHandlers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The supervisors' class-data-sharing archive with real processes: the first supervisor in an empty
 * cache makes it when its pool stops, and the next pool's supervisor maps it.
 */
@Timeout(180)
class SupervisorArchiveTest {
    @TempDir
    Path base;

    @Test
    void theFirstCleanStopMakesTheArchiveAndTheNextSupervisorMapsIt() throws Exception {
        EngineConfig config = EngineConfig.builder().ports("127.0.0.1:0").maxServers(1).name("archivetest")
                .set(EngineConfig.RUNTIME_DIR, base.toString()).build();
        PreforkEngine first = PreforkEngine.start(config, BuiltinHandlers.ECHO);
        try {
            assertTrue(commandLine(first.supervisorPid()).contains("-XX:ArchiveClassesAtExit="), "an empty cache: the first one dumps");
        } finally {
            first.stop();
        }
        Path archive = awaitArchive(Duration.ofSeconds(60));
        PreforkEngine second = PreforkEngine.start(config, BuiltinHandlers.ECHO);
        try {
            assertTrue(commandLine(second.supervisorPid()).contains("-XX:SharedArchiveFile=" + archive));
            assertTrue(Files.readString(Path.of("/proc", Long.toString(second.supervisorPid()), "maps")).contains(archive.toString()),
                    "the supervisor maps " + archive);
        } finally {
            second.stop();
        }
        try (Stream<Path> left = Files.list(archive.getParent())) {
            assertEquals(List.of(), left.filter(f -> f.getFileName().toString().endsWith(".partial")).toList(), "no dump left half-made");
        }
    }

    /** The archive appears when the supervisor has exited and the controlling JVM has seen it go. */
    private Path awaitArchive(Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            try (Stream<Path> caches = Files.list(base)) {
                for (Path cache : caches.filter(d -> d.getFileName().toString().startsWith("prefork-cache-")).toList()) {
                    try (Stream<Path> files = Files.list(cache)) {
                        var made = files.filter(f -> f.getFileName().toString().matches("supervisor-[0-9a-f]+\\.jsa")).findFirst();
                        if (made.isPresent()) {
                            return made.get();
                        }
                    }
                }
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("no supervisor archive in " + base + " within " + patience.toSeconds() + " s of the pool's stop");
    }

    private static String commandLine(long pid) throws Exception {
        return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
    }
}
