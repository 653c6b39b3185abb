package dev.prefork.standalone;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link ReadableCopies} hands the tests that run processes as other users: a file or tree others can
 * read stays where it is; one behind a 0700 directory, or with a file of mode 0600 in it, is copied to where
 * they can read every file, with the same content; the class path keeps its order.
 */
class ReadableCopiesTest {
    @RegisterExtension
    static final ReadableCopies readable = new ReadableCopies();

    @Test
    void whatOthersCanReadIsUsedWhereItIs(@TempDir Path dir) throws Exception {
        Path open = open(dir);
        Path script = Files.writeString(open.resolve("script.py"), "print('hi')\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(ReadableCopies.othersCanRead(script));
        assertEquals(script, readable.of(script));
    }

    @Test
    void aFileBehindAPrivateDirectoryIsCopiedWhereOthersCanReadIt(@TempDir Path dir) throws Exception {
        Path closed = Files.createDirectories(open(dir).resolve("home"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        Path script = Files.writeString(closed.resolve("script.py"), "print('hi')\n");
        assertFalse(ReadableCopies.othersCanRead(script), "behind a 0700 directory");
        Path copy = readable.of(script);
        assertNotEquals(script, copy);
        assertTrue(ReadableCopies.othersCanRead(copy), copy.toString());
        assertEquals("print('hi')\n", Files.readString(copy));
    }

    @Test
    void aTreeWithOnePrivateFileIsCopiedWhole(@TempDir Path dir) throws Exception {
        Path classes = Files.createDirectories(open(dir).resolve("classes/META-INF/prefork"));
        Files.writeString(classes.resolve("prefork-process.jar"), "jar");
        Files.setPosixFilePermissions(classes.resolve("prefork-process.jar"), PosixFilePermissions.fromString("rw-------"));
        for (Path each = classes; !each.equals(dir); each = each.getParent()) {
            Files.setPosixFilePermissions(each, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path tree = open(dir).resolve("classes");
        assertFalse(ReadableCopies.othersCanRead(tree), "a 0600 file inside");
        Path copy = readable.of(tree);
        assertTrue(ReadableCopies.othersCanRead(copy), copy.toString());
        assertEquals("jar", Files.readString(copy.resolve("META-INF/prefork/prefork-process.jar")));
    }

    @Test
    void theClassPathKeepsItsOrderAndOthersCanReadEveryEntry() throws Exception {
        List<String> original = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty() && Files.exists(Path.of(entry))).toList();
        String classPath = readable.classPath();
        List<String> copied = List.of(classPath.split(File.pathSeparator));
        assertEquals(original.size(), copied.size(), classPath);
        for (int i = 0; i < copied.size(); i++) {
            assertTrue(ReadableCopies.othersCanRead(Path.of(copied.get(i))), copied.get(i));
            assertEquals(Path.of(original.get(i)).getFileName().toString(),
                    Path.of(copied.get(i)).getFileName().toString().replaceFirst("^\\d+-", ""), "in the same order");
        }
        assertSame(classPath, readable.classPath(), "copied once per test class");
    }

    /** {@code dir} (a @TempDir: 0700) opened to others, with every directory above it as it is. */
    private static Path open(Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }
}
