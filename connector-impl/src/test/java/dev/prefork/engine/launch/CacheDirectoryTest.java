package dev.prefork.engine.launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
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
            Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        Files.writeString(dir.resolve("worker-0a.jsa"), "not a jar");
        Files.setLastModifiedTime(dir.resolve("worker-0a.jsa"), FileTime.fromMillis(1));

        CacheDirectory.keepNewest(dir, "prefork-process-[0-9a-f]+\\.jar", 2);

        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(Set.of("prefork-process-5a.jar", "prefork-process-4a.jar", "worker-0a.jsa"),
                    files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()));
        }
    }
}
