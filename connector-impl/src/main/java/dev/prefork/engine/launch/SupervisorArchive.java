package dev.prefork.engine.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The supervisors' class-data-sharing archive in the cache directory, made the way the workers' is: a
 * supervisor started while none exists dumps the classes it used when it exits, into a file of its own,
 * and when it exited cleanly that file becomes the archive every later supervisor maps. Its name comes
 * from what would make the JVM reject it (the jar's path, size and time, the JDK, the options), so a
 * changed setup makes a new one instead of warnings. Without it a supervisor parses and links its
 * classes (the posix_spawn and socket bindings among them) at every pool start.
 */
final class SupervisorArchive {
    private static final Logger LOG = Logger.getLogger(SupervisorArchive.class.getName());
    private static final String NAME_PATTERN = "supervisor-[0-9a-f]+\\.jsa";
    /** Archives of other jars, JDKs or options kept (another engine may still start from one). */
    private static final int KEPT_ARCHIVES = 4;
    private static final AtomicLong DUMPS = new AtomicLong();

    private final Path archive;
    private final Path dump;

    private SupervisorArchive(Path archive, Path dump) {
        this.archive = archive;
        this.dump = dump;
    }

    /** The archive for a supervisor started with {@code java}, {@code jar} and {@code options}; null if none can be had. */
    static SupervisorArchive in(CacheDirectory cache, Path java, Path jar, List<String> options) {
        if (cache == null) {
            return null;
        }
        try {
            Path javaHome = java.toAbsolutePath().getParent().getParent();
            Path modules = javaHome.resolve("lib/modules");
            String identity = jar.toAbsolutePath() + "\n" + Files.size(jar) + "\n" + Files.getLastModifiedTime(jar).toMillis()
                    + "\n" + javaHome + "\n" + (Files.exists(modules) ? Files.getLastModifiedTime(modules).toMillis() : 0)
                    + "\n" + String.join(" ", options);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            Path archive = cache.resolve("supervisor-" + HexFormat.of().formatHex(digest, 0, 8) + ".jsa");
            if (Files.isReadable(archive)) {
                Files.setLastModifiedTime(archive, FileTime.fromMillis(System.currentTimeMillis())); // in use: keep it
                return new SupervisorArchive(archive, null);
            }
            return new SupervisorArchive(archive, archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid()
                    + "-" + DUMPS.incrementAndGet() + ".partial"));
        } catch (IOException | NoSuchAlgorithmException e) {
            LOG.fine("the supervisor starts without a class-data-sharing archive: " + e);
            return null;
        }
    }

    /** JVM options that map the archive, or make one at exit. */
    List<String> options() {
        if (dump == null) {
            return List.of("-XX:SharedArchiveFile=" + archive);
        }
        // The dump lists every class it leaves out as a warning: noise in the log (standard error, as every JVM message here).
        return List.of("-XX:ArchiveClassesAtExit=" + dump, "-Xlog:cds=error:stderr", "-Xlog:cds+dynamic=error:stderr");
    }

    /** Called when the supervisor has exited: a clean exit's dump becomes the archive, any other is removed. */
    void exited(int status) {
        if (dump == null) {
            return;
        }
        try {
            if (status == 0 && Files.size(dump) > 0) {
                try {
                    Files.move(dump, archive, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(dump, archive, StandardCopyOption.REPLACE_EXISTING);
                }
                CacheDirectory.keepNewest(archive.getParent(), NAME_PATTERN, KEPT_ARCHIVES);
            }
        } catch (IOException e) {
            LOG.fine("no class-data-sharing archive from this supervisor: " + e);
        } finally {
            try {
                Files.deleteIfExists(dump);
            } catch (IOException ignored) {
                // a stray partial dump in the cache is harmless; the cache may be deleted at any time
            }
        }
    }
}
