package dev.prefork.supervisor;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Settings;
import dev.prefork.engine.protocol.ProcessLog;
import dev.prefork.posix.Credentials;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Net::Server's {@code user} and {@code group} in the supervisor: called once every port is bound and
 * before the first worker starts, so that the supervisor and every worker it spawns run as that user
 * from then on. What the workers must still open (the private directory with the hello and bridge
 * sockets, the scoreboard, the generated lock file or FIFO, the per-start cache with the process jar)
 * is handed to the user first; a configured {@code lock_file} too.
 */
final class UserSwitch {

    private UserSwitch() {
    }

    /** Whether the settings ask for another user or group. */
    static boolean requested(EngineConfig config) {
        return !config.get(Settings.USER).isEmpty() || !config.get(Settings.GROUP).isEmpty();
    }

    /**
     * Gives {@code runtime} and {@code lockFiles} to the configured user and becomes it for good.
     *
     * @throws IOException saying which setting could not be applied and why
     */
    static void apply(EngineConfig config, Path runtime, List<Path> lockFiles, ProcessLog log) throws IOException {
        String user = config.get(Settings.USER);
        String group = config.get(Settings.GROUP);
        Credentials.Identity identity;
        try {
            identity = Credentials.resolve(user.isEmpty() ? Long.toString(currentUid()) : user, group);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
        if (currentUid() != 0) {
            throw new IOException("user='" + user + "' group='" + group + "' needs the server to start as root (it runs as uid "
                    + currentUid() + "): only root can switch user; remove them or start as root");
        }
        giveTree(runtime, identity);
        for (Path lockFile : lockFiles) {
            if (Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS)) {
                give(lockFile, identity);
            }
        }
        try {
            Credentials.become(identity);
        } catch (RuntimeException e) {
            throw new IOException("user='" + user + "' group='" + group + "' cannot be switched to: " + e.getMessage(), e);
        }
        log.info("running as " + identity.description() + " from now on (user/group), ports bound as root");
    }

    private static long currentUid() throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    }

    private static void giveTree(Path root, Credentials.Identity identity) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                give(dir, identity);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                give(file, identity);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** lchown: a link in the directory is not followed out of it. */
    private static void give(Path path, Credentials.Identity identity) throws IOException {
        Files.setAttribute(path, "unix:uid", identity.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", identity.gid(), LinkOption.NOFOLLOW_LINKS);
    }
}
