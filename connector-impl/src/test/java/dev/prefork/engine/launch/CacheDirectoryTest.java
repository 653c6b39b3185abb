package dev.prefork.engine.launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CacheDirectoryTest {

    @Test
    void keepNewestDeletesTheOldestMatchingFilesOnly(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 6; i++) {
            Path jar = Files.writeString(dir.resolve("prefork-process-" + i + "a.jar"), "jar " + i);
            setTimes(jar, 1_000_000L * (i + 1));
        }
        Files.writeString(dir.resolve("worker-0a.jsa"), "not a jar");
        setTimes(dir.resolve("worker-0a.jsa"), 1);

        CacheDirectory.keepNewest(dir, "prefork-process-[0-9a-f]+\\.jar", 2);

        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(Set.of("prefork-process-5a.jar", "prefork-process-4a.jar", "worker-0a.jsa"),
                    files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()));
        }
    }

    @Test
    void aFileMarkedUsedKeepsItsModificationTimeAndCountsAsNewest(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 3; i++) {
            setTimes(Files.writeString(dir.resolve("prefork-process-" + i + "a.jar"), "jar " + i), 1_000_000L * (i + 1));
        }
        Path used = dir.resolve("prefork-process-0a.jar"); // the oldest, but a pool still runs from it

        CacheDirectory.markUsed(used);
        CacheDirectory.keepNewest(dir, "prefork-process-[0-9a-f]+\\.jar", 2);

        // A class-data-sharing archive made from this jar stays valid only while its mtime is unchanged.
        assertEquals(1_000_000L, Files.getLastModifiedTime(used).toMillis());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(Set.of("prefork-process-0a.jar", "prefork-process-2a.jar"),
                    files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()));
        }
    }

    /** Both times, as a file that was written then and not read since has them. */
    private static void setTimes(Path file, long millis) throws Exception {
        Files.getFileAttributeView(file, BasicFileAttributeView.class)
                .setTimes(FileTime.fromMillis(millis), FileTime.fromMillis(millis), null);
    }
}
