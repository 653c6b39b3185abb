package dev.prefork.engine.launch;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.logging.Logger;

/**
 * The engine's private directory (mode 0700, so only our user can reach the sockets in it): the bridge
 * socket, the supervisor's socket, the scoreboard, and the generated lock file or FIFO. Its owner is the
 * engine that made it, in the controlling JVM: it removes it at stop, whatever happened to the supervisor
 * before. The supervisor removes the files it made, and the directory only when the controlling JVM went
 * away without stopping it; so a controlling JVM that exits must stop its pools first (a supervisor killed
 * after its JVM is gone leaves the directory behind).
 */
public final class RuntimeDirectory implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RuntimeDirectory.class.getName());
    /** sockaddr_un holds 108 bytes; keep room for the longest file name we put in the directory. */
    private static final int MAX_DIRECTORY_LENGTH = 107 - "/supervisor.sock".length();

    private final Path path;

    private RuntimeDirectory(Path path) {
        this.path = path;
    }

    /** Creates a fresh private directory under {@code base}, or under /tmp when base's path is too long for a socket. */
    public static RuntimeDirectory create(Path base, String name) throws IOException {
        Path parent = base;
        if (parent.toString().length() + name.length() + 30 > MAX_DIRECTORY_LENGTH) {
            parent = Path.of("/tmp");
            LOG.warning(name + ": " + base + " is too long a path for Unix sockets (108 bytes with the file name); "
                    + "the private directory goes under /tmp instead. Set runtime_dir to a shorter directory to choose.");
        }
        Files.createDirectories(parent);
        Path dir = Files.createTempDirectory(parent, "prefork-" + name + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return new RuntimeDirectory(dir);
    }

    /**
     * Removes what a supervisor that was killed left here (its hello socket, scoreboard, lock files,
     * FIFOs), keeping {@code keep} (the bridge socket, which outlives supervisors), so that a successor
     * can make them anew.
     */
    public void clearForSuccessor(Path keep) throws IOException {
        try (java.util.stream.Stream<Path> entries = Files.list(path)) {
            for (Path entry : entries.toList()) {
                if (!entry.equals(keep) && !Files.isDirectory(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(entry);
                }
            }
        }
    }

    public Path path() {
        return path;
    }

    public Path resolve(String file) {
        return path.resolve(file);
    }

    /** Removes the directory and everything in it. */
    @Override
    public void close() {
        deleteTree(path);
    }

    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warning("could not remove " + root + ": " + e);
        }
    }
}
