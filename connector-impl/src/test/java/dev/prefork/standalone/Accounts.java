package dev.prefork.standalone;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * For tests of user and group: who this test runs as, the system's user database (throwaway accounts
 * are made and removed with its commands), and the ids /proc/PID/status shows for a process.
 */
final class Accounts {
    private Accounts() {
    }

    static boolean root() throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    }

    /** Whether {@code getent database key} finds an entry (database passwd or group; key a name or number). */
    static boolean known(String database, String key) throws Exception {
        Process getent = new ProcessBuilder("getent", database, key).redirectErrorStream(true).start();
        getent.getInputStream().readAllBytes();
        assertTrue(getent.waitFor(30, TimeUnit.SECONDS));
        return getent.exitValue() == 0;
    }

    static void run(String... command) throws Exception {
        output(command);
    }

    /** What {@code command} prints; fails when it fails. */
    static String output(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    /** The numbers of a /proc/PID/status line: Uid and Gid (real, effective, saved, filesystem), Groups. */
    static List<Integer> ids(Path proc, String field) throws IOException {
        String line = Files.readAllLines(proc.resolve("status")).stream().filter(each -> each.startsWith(field + ":"))
                .map(each -> each.substring(field.length() + 1)).findFirst().orElseThrow().strip();
        return line.isEmpty() ? List.of() : Stream.of(line.split("\\s+")).map(Integer::parseInt).toList();
    }

    /** A throwaway system user with a group of its own and one supplementary group ({@code extra}). */
    record Throwaway(String name, int uid, int gid, int extra) {
    }

    /**
     * Makes a throwaway user named {@code prefix} plus a random suffix, with a supplementary group of its
     * own (which initgroups must add: a test's proof that it did); the commands that remove both are
     * added to {@code cleanUp} in the order they must run.
     */
    static Throwaway makeThrowaway(String prefix, List<String[]> cleanUp) throws Exception {
        String name = prefix + Integer.toString(java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 20), 36);
        run("groupadd", "--system", name + "x");
        cleanUp.add(new String[] {"groupdel", name + "x"});
        run("useradd", "--system", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin", "--groups", name + "x", name);
        cleanUp.add(0, new String[] {"userdel", name});
        return new Throwaway(name, Integer.parseInt(output("id", "-u", name).strip()), Integer.parseInt(output("id", "-g", name).strip()),
                Integer.parseInt(output("getent", "group", name + "x").split(":")[2]));
    }

    /** The children of {@code parent} once there are {@code count} of them; at most 60 s. */
    static List<ProcessHandle> awaitChildren(ProcessHandle parent, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<ProcessHandle> children = List.of();
        while (System.nanoTime() < deadline) {
            children = parent.children().toList();
            if (children.size() >= count) {
                return children;
            }
            Thread.sleep(100); // polling /proc: no event announces a worker to the test
        }
        fail("process " + parent.pid() + " has " + children.size() + " children, not " + count);
        return children;
    }

    /** An id in 60000-64999 that the database does not list (nor the next one up). */
    static int unusedId(String database) throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            int id = 60_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(5_000);
            if (!known(database, Integer.toString(id)) && !known(database, Integer.toString(id + 1))) {
                return id;
            }
        }
        throw new IllegalStateException("no unused id in " + database);
    }
}
