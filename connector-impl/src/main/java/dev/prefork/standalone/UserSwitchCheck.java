package dev.prefork.standalone;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Serialize;
import dev.prefork.engine.config.Settings;
import dev.prefork.programs.ProgramPlan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Refuses {@code user}/{@code group} and {@code chroot} before anything is bound where they cannot work:
 * only root can switch user or chroot, a SysV semaphore (serialize semaphore) made by root stays out of
 * the workers' reach, and our worker JVMs cannot run inside a chroot. The switch itself happens in the
 * supervisor once its ports are bound (for programs: as each program starts).
 */
final class UserSwitchCheck {

    private UserSwitchCheck() {
    }

    /**
     * @param origin where a setting came from, by key
     * @throws IllegalStateException naming the setting, its value, its source and what to do
     */
    static void check(EngineConfig config, Function<String, String> origin) {
        checkChroot(config, origin);
        String user = config.get(Settings.USER);
        String group = config.get(Settings.GROUP);
        if (user.isEmpty() && group.isEmpty()) {
            return;
        }
        String key = user.isEmpty() ? Settings.GROUP.key() : Settings.USER.key();
        String given = key + "='" + (user.isEmpty() ? group : user) + "' (from " + origin.apply(key) + ")";
        long uid = currentUid();
        if (uid != 0) {
            throw new IllegalStateException(given + " needs the launcher to start as root, to bind and then switch; it runs as"
                    + " uid " + uid + ". Start it as root, or remove user and group to run as this user");
        }
        if (config.serialize() == Serialize.SEMAPHORE) {
            throw new IllegalStateException(given + " cannot be combined with serialize semaphore (from "
                    + origin.apply(Settings.SERIALIZE.key()) + "): the semaphore is made by root before the switch and its"
                    + " workers could not use it; choose serialize flock (the default), fcntl or pipe");
        }
    }

    /**
     * chroot is for programs only (our worker JVMs need the JDK, the process jar and the runtime directory,
     * all outside any such directory), needs root, and a directory that is there.
     */
    private static void checkChroot(EngineConfig config, Function<String, String> origin) {
        Path chroot = config.get(Settings.CHROOT);
        if (chroot == null) {
            return;
        }
        String given = "chroot='" + chroot + "' (from " + origin.apply(Settings.CHROOT.key()) + ")";
        if (!ProgramPlan.requested(config)) {
            throw new IllegalStateException(given + " applies to worker_program and program only: our worker JVMs need the JDK,"
                    + " the process jar and the runtime directory, all outside it. Remove chroot (user and group still drop"
                    + " root), or run a program pool (worker_program) whose program has what it needs inside the directory");
        }
        long uid = currentUid();
        if (uid != 0) {
            throw new IllegalStateException(given + " needs the launcher to start as root (only root may chroot); it runs as uid "
                    + uid + ". Start it as root, or remove chroot");
        }
        if (!Files.isDirectory(chroot)) {
            throw new IllegalStateException(given + " is not a directory");
        }
    }

    private static long currentUid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return -1; // not Linux: the supervisor would not run either
        }
    }
}
