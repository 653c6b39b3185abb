package dev.prefork.standalone;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Net::Server's {@code pid_file} for the launcher: the process id an init script signals (HUP re-reads
 * the conf_file, TERM stops), so it is this JVM's, not the supervisor's. Claimed before the pool starts
 * (so that a second copy fails before it touches anything), written once the ports are bound (so that
 * its presence means "serving"), removed at stop if it still names this process.
 */
final class PidFile {

    private final Path path;
    private final long pid = ProcessHandle.current().pid();

    private PidFile(Path path) {
        this.path = path;
    }

    /**
     * Checks {@code path} can be this launcher's: refuses when it names a running process, removes it
     * (saying so on {@code out}) when the process it names is gone.
     *
     * @param origin where the setting came from, for the messages
     * @throws IllegalStateException saying why the launcher must not start
     */
    static PidFile claim(Path path, String origin, PrintStream out) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IllegalStateException("pid_file='" + path + "' is not valid: it is a directory; name a file (from " + origin + ")");
        }
        Path parent = path.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalStateException("pid_file='" + path + "' is not valid: its directory " + parent
                    + " does not exist (from " + origin + ")");
        }
        String text;
        try {
            text = Files.readString(path, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return new PidFile(path);
        }
        if (!text.isEmpty()) {
            long other;
            try {
                other = Long.parseLong(text.lines().findFirst().orElse("").strip());
            } catch (NumberFormatException e) {
                throw new IllegalStateException("pid_file " + path + " exists and does not hold a process id ('"
                        + abbreviate(text) + "'); remove it if no server uses it (from " + origin + ")");
            }
            if (ProcessHandle.of(other).map(ProcessHandle::isAlive).orElse(false)) {
                throw new IllegalStateException("pid_file " + path + " names process " + other
                        + ", which is running: another server already uses it; stop that one first (from " + origin + ")");
            }
            out.println("prefork: pid_file " + path + " named process " + other + ", which is not running: replacing it");
        } else {
            // Empty: a writer that died between creating and writing it, like Net::Server's own stale files.
            out.println("prefork: pid_file " + path + " was empty: replacing it");
        }
        Files.deleteIfExists(path);
        return new PidFile(path);
    }

    /** Writes this process's id; fails if another launcher created the file since {@link #claim}. */
    void write() throws IOException {
        try {
            Files.write(path, (pid + "\n").getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("pid_file " + path + " was created by another process while this one started;"
                    + " not overwriting it");
        }
    }

    /** Removes the file if it still names this process: one that a successor wrote is left alone. */
    void remove() {
        try {
            if (Files.readString(path, StandardCharsets.US_ASCII).strip().equals(Long.toString(pid))) {
                Files.delete(path);
            }
        } catch (IOException e) {
            // Already gone (an operator removed it) or unreadable: nothing of ours to remove.
        }
    }

    Path path() {
        return path;
    }

    private static String abbreviate(String text) {
        String line = text.lines().findFirst().orElse("");
        return line.length() > 40 ? line.substring(0, 40) + "..." : line;
    }
}
