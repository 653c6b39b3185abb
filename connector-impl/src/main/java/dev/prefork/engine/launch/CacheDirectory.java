package dev.prefork.engine.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Files that outlive one engine and are shared by the next ones of the same user: the process jar
 * copied out of the library, and the workers' class-data-sharing archive. Mode 0700, under the same
 * base directory as the runtime directories. What is in it is derived from content, so it may be
 * deleted at any time; the next start makes it again.
 */
public final class CacheDirectory {
    private final Path path;

    private CacheDirectory(Path path) {
        this.path = path;
    }

    /**
     * The cache directory under {@code base}, made if missing. Refused (an IOException) when it exists
     * but is not a directory of ours that only we can enter, since its jar is what the workers run.
     */
    public static CacheDirectory under(Path base) throws IOException {
        Path dir = base.resolve("prefork-cache-" + System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_"));
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException e) {
                // made by a concurrent engine; checked below like any other
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                || !Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"))
                || !PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS)).equals("rwx------")) {
            throw new IOException(dir + " is not a private directory of user " + System.getProperty("user.name"));
        }
        return new CacheDirectory(dir);
    }

    public Path path() {
        return path;
    }

    public Path resolve(String file) {
        return path.resolve(file);
    }

    /**
     * Marks {@code file} as used now for {@link #keepNewest}, through its access time: its modification
     * time stays what it was, which matters for a jar that a class-data-sharing archive was made from.
     */
    public static void markUsed(Path file) throws IOException {
        Files.getFileAttributeView(file, BasicFileAttributeView.class)
                .setTimes(null, FileTime.fromMillis(System.currentTimeMillis()), null);
    }

    /**
     * Keeps the cache bounded: of the files in {@code dir} whose names match {@code namePattern}, deletes
     * all but the {@code keep} most recently modified or {@linkplain #markUsed used}. Every rebuilt
     * library or changed worker option adds a file; callers mark the one they use, so a file in use is
     * among the newest.
     */
    public static void keepNewest(Path dir, String namePattern, int keep) throws IOException {
        List<Path> matching;
        try (Stream<Path> files = Files.list(dir)) {
            matching = files.filter(file -> file.getFileName().toString().matches(namePattern))
                    .sorted(Comparator.comparing(CacheDirectory::modified).reversed())
                    .collect(Collectors.toList());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (Path old : matching.subList(Math.min(keep, matching.size()), matching.size())) {
            Files.deleteIfExists(old);
        }
    }

    /** The later of the file's modification and access times. */
    private static long modified(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return Math.max(attributes.lastModifiedTime().toMillis(), attributes.lastAccessTime().toMillis());
        } catch (IOException e) {
            return 0; // gone meanwhile: oldest
        }
    }
}
