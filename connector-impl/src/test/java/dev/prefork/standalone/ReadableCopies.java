package dev.prefork.standalone;

import dev.prefork.it.Files2;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Copies, in a temporary directory every user can enter, of what a process started as another user must
 * read: the test's class path (the launcher's classes, and among them the process jar the workers run) and a
 * program's script. The user, group and chroot tests run launchers, supervisors, workers and programs as
 * throwaway users; from a checkout other users cannot enter (a clone below a 0700 home directory) those died
 * with "Could not find or load main class" or a python3 that could not open its script, and the tests failed
 * on a missing log line a minute later. What others can read already is used where it is.
 *
 * <p>A JUnit extension of a test class ({@code @RegisterExtension static}): the directory is made before its
 * first test and deleted with every copy after its last.
 */
final class ReadableCopies implements BeforeAllCallback, AfterAllCallback {
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r--r--");

    private Path directory;
    private int copies;
    private String classPath;

    /**
     * Makes an empty directory for the copies, in java.io.tmpdir; fails, naming it, when other users cannot
     * enter it (a private java.io.tmpdir), since every copy would be as unreadable as its original.
     */
    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        directory = Files.createTempDirectory("prefork-readable-");
        Files.setPosixFilePermissions(directory, DIRECTORY);
        if (!othersCanRead(directory)) {
            Files2.deleteTree(directory);
            fail(directory + " is not open to other users, so the processes these tests run as throwaway users could not read"
                    + " copies of the class path there: point java.io.tmpdir at a directory they can enter (chmod o+x on it and"
                    + " every directory above it), or run the tests from a checkout other users can read (chmod o+rx)");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (directory != null) {
            Files2.deleteTree(directory);
        }
    }

    /** This test JVM's class path as other users can read it, copied at the first call. */
    String classPath() throws IOException {
        if (classPath == null) {
            classPath = classPath(System.getProperty("java.class.path"));
        }
        return classPath;
    }

    /** {@code source} (a file or a directory tree) itself when other users can read it, else a copy here that they can. */
    Path of(Path source) throws IOException {
        Path original = source.toAbsolutePath();
        if (othersCanRead(original)) {
            return original;
        }
        Path copy = directory.resolve(++copies + "-" + original.getFileName());
        Files2.copyTree(original, copy);
        try (Stream<Path> tree = Files.walk(copy)) {
            for (Path each : tree.toList()) {
                Files.setPosixFilePermissions(each, Files.isDirectory(each) ? DIRECTORY : FILE);
            }
        }
        return copy;
    }

    /** {@code classPath} with each entry that other users cannot read replaced by a copy; missing entries left out. */
    private String classPath(String classPath) throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.exists(Path.of(entry))) {
                entries.add(of(Path.of(entry)).toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /**
     * Whether a user who is neither the owner nor in the group can read {@code path}: every directory above it
     * lets others through (x), and it and everything below it lets them read (r, and x for a directory).
     */
    static boolean othersCanRead(Path path) throws IOException {
        for (Path above = path.toAbsolutePath().getParent(); above != null; above = above.getParent()) {
            if (!Files.getPosixFilePermissions(above).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        try (Stream<Path> tree = Files.walk(path)) {
            return tree.allMatch(each -> {
                try {
                    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(each);
                    return permissions.contains(PosixFilePermission.OTHERS_READ)
                            && (!Files.isDirectory(each) || permissions.contains(PosixFilePermission.OTHERS_EXECUTE));
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }
}
