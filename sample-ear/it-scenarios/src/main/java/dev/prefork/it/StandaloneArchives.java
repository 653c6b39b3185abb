package dev.prefork.it;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Copies of the build's archives as a server needs them for the .rar deployed on its own: the .rar with
 * the api jar inside (where applications see a standalone adapter's classes only through the adapter:
 * GlassFish, Liberty), and the MDB jar with one more descriptor.
 */
public final class StandaloneArchives {
    private StandaloneArchives() {
    }

    /** {@code prefork-connector.rar} from {@code deployments}, copied into {@code dir} with {@code prefork-connector-api.jar} inside. */
    public static Path rarWithApi(Path deployments, Path dir) throws IOException {
        Path rar = copy(deployments.resolve("prefork-connector.rar"), dir);
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + rar.toUri()), Map.of())) {
            Files.copy(deployments.resolve("prefork-connector-api.jar"), zip.getPath("prefork-connector-api.jar"));
        }
        return rar;
    }

    /** {@code prefork-sample-ejb.jar} from {@code deployments}, copied into {@code dir}, with {@code entry} added (null: as it is). */
    public static Path mdbJar(Path deployments, Path dir, String entry, String content) throws IOException {
        Path jar = copy(deployments.resolve("prefork-sample-ejb.jar"), dir);
        if (entry != null) {
            try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
                Files.writeString(zip.getPath(entry), content);
            }
        }
        return jar;
    }

    private static Path copy(Path file, Path dir) throws IOException {
        Files.createDirectories(dir);
        return Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
}
