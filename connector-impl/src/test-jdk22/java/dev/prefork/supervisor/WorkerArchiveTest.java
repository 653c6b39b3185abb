package dev.prefork.supervisor;

import dev.prefork.engine.protocol.ProcessLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The archive's life without a JVM: which options each spawn gets, when the training worker's dump becomes
 * the archive, and that an AOT training run that never finished leaves nothing in the cache. (That real
 * workers make and use it: ServingTest and WorkerAotCacheTest.)
 */
class WorkerArchiveTest {
    private static final ProcessLog LOG = new ProcessLog("test", "archive");

    @Test
    void theFormatFollowsTheJdk() {
        assertEquals(WorkerArchive.Format.DYNAMIC, WorkerArchive.Format.forJdk(22));
        assertEquals(WorkerArchive.Format.DYNAMIC, WorkerArchive.Format.forJdk(24));
        assertEquals(WorkerArchive.Format.AOT_CACHE, WorkerArchive.Format.forJdk(25));
    }

    @Test
    void theTrainersCleanExitMakesTheCacheThatLaterSpawnsMap(@TempDir Path cache) throws Exception {
        WorkerArchive archive = WorkerArchive.in(cache, jar(cache), cache, WorkerArchive.Format.AOT_CACHE, List.of("-Xint"), LOG);
        List<String> training = archive.optionsForNextSpawn();
        assertTrue(training.get(0).startsWith("-XX:AOTCacheOutput=" + cache.resolve("worker-")), training.toString());
        archive.spawned(101, training);
        assertEquals(List.of(), archive.optionsForNextSpawn(), "no second trainer while one is under way");

        Path dump = Path.of(training.get(0).substring("-XX:AOTCacheOutput=".length()));
        Files.writeString(dump, "an AOT cache");
        archive.exited(202, true); // another worker: not the trainer
        assertTrue(Files.exists(dump));
        archive.exited(101, true);

        List<String> later = archive.optionsForNextSpawn();
        assertEquals(1, later.size(), later.toString());
        assertTrue(later.get(0).matches("-XX:AOTCache=.*/worker-[0-9a-f]{16}\\.aot"), later.toString());
        assertEquals("an AOT cache", Files.readString(Path.of(later.get(0).substring("-XX:AOTCache=".length()))));
        assertFalse(Files.exists(dump));
    }

    @Test
    void aTrainingRunCutShortLeavesNothingBehind(@TempDir Path cache) throws Exception {
        WorkerArchive archive = WorkerArchive.in(cache, jar(cache), cache, WorkerArchive.Format.AOT_CACHE, List.of(), LOG);
        List<String> training = archive.optionsForNextSpawn();
        archive.spawned(101, training);
        Path dump = Path.of(training.get(0).substring("-XX:AOTCacheOutput=".length()));
        Files.writeString(dump.resolveSibling(dump.getFileName() + ".config"), "recorded classes");
        archive.exited(101, false);
        try (var left = Files.list(cache)) {
            assertEquals(List.of("prefork-process.jar"), left.map(p -> p.getFileName().toString()).toList());
        }
        assertTrue(archive.optionsForNextSpawn().get(0).startsWith("-XX:AOTCacheOutput="), "the next worker trains again");
    }

    @Test
    void dumpsOfSupervisorsThatAreGoneAreRemovedBeforeTheNextTraining(@TempDir Path cache) throws Exception {
        // Above any pid_max (4194304 at most): no such process. And this JVM, which is alive.
        Path gone = Files.writeString(cache.resolve("worker-0a.aot.2000000000.partial"), "half a cache");
        Path goneConfig = Files.writeString(cache.resolve("worker-0a.aot.2000000000.partial.config"), "recorded classes");
        Path live = Files.writeString(cache.resolve("worker-0b.aot." + ProcessHandle.current().pid() + ".partial"), "under way");
        Path unrelated = Files.writeString(cache.resolve("worker-0c.aot"), "an archive");
        WorkerArchive archive = WorkerArchive.in(cache, jar(cache), cache, WorkerArchive.Format.AOT_CACHE, List.of(), LOG);
        archive.optionsForNextSpawn();
        assertFalse(Files.exists(gone));
        assertFalse(Files.exists(goneConfig));
        assertTrue(Files.exists(live), "another pool's dump under way stays");
        assertTrue(Files.exists(unrelated));
    }

    @Test
    void beforeJdk25ItIsADynamicArchive(@TempDir Path cache) throws Exception {
        WorkerArchive archive = WorkerArchive.in(cache, jar(cache), cache, WorkerArchive.Format.DYNAMIC, List.of(), LOG);
        List<String> training = archive.optionsForNextSpawn();
        assertTrue(training.get(0).startsWith("-XX:ArchiveClassesAtExit="), training.toString());
        archive.spawned(7, training);
        Files.writeString(Path.of(training.get(0).substring("-XX:ArchiveClassesAtExit=".length())), "a dynamic archive");
        archive.exited(7, true);
        assertTrue(archive.optionsForNextSpawn().get(0).matches("-XX:SharedArchiveFile=.*\\.jsa"));
    }

    private static Path jar(Path dir) throws Exception {
        return Files.writeString(dir.resolve("prefork-process.jar"), "classes");
    }
}
