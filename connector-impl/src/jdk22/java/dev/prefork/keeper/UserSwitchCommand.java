package dev.prefork.keeper;

import dev.prefork.posix.Credentials;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How a program started by the root launcher runs as {@code user}/{@code group}, and inside {@code chroot}:
 * posix_spawn can do neither, and the launcher must stay root (it binds, signals and reaps), so each
 * program is started through a command that does it and then execs the program in the same process
 * (the pid stays the one the keeper watches). The ids are resolved once, here, with the same rules as the
 * supervisor's switch ({@link Credentials#resolve}), and given as numbers.
 * <ul>
 *   <li>Without chroot: util-linux's {@code setpriv} before the shell sets the real, effective and saved
 *       user and group ids and the supplementary groups.</li>
 *   <li>With chroot: coreutils' {@code chroot} after the shell (the shell reads the command line outside,
 *       the program is looked up inside, so the directory needs no shell): it enters the directory as root,
 *       then sets the groups and ids ({@code --userspec}, {@code --groups}: setgroups, setgid, setuid, which
 *       as root set real, effective and saved ids alike), since after setpriv no chroot would be allowed.</li>
 * </ul>
 *
 * @param beforeShell the command and options put before {@code /bin/sh -c}; empty when there are none
 * @param execPrefix  shell words put between the script's {@code exec} and the program's command line
 *                    (already quoted); empty when there are none
 */
record UserSwitchCommand(List<String> beforeShell, String execPrefix) {
    private static final List<Path> SETPRIV = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));
    private static final List<Path> CHROOT = List.of(Path.of("/usr/sbin/chroot"), Path.of("/sbin/chroot"), Path.of("/usr/bin/chroot"));
    static final UserSwitchCommand NONE = new UserSwitchCommand(List.of(), "");

    UserSwitchCommand {
        beforeShell = List.copyOf(beforeShell);
    }

    /**
     * What starts a program as {@code user} (empty: the launcher's) with {@code group}, inside
     * {@code chroot} (null: none).
     *
     * @throws IOException naming the setting when a user or group does not exist or a command is missing
     */
    static UserSwitchCommand of(String user, String group, Path chroot) throws IOException {
        if (user.isEmpty() && !group.isEmpty()) {
            throw new IOException("group='" + group + "' with worker_program or program needs user too: the programs would"
                    + " keep the launcher's user (root) with only their groups changed");
        }
        Credentials.Identity identity = null;
        String groups = "";
        if (!user.isEmpty()) {
            try {
                identity = Credentials.resolve(user, group);
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage(), e);
            }
            groups = Arrays.stream(identity.groups()).mapToObj(Integer::toUnsignedString).collect(Collectors.joining(","));
        }
        if (chroot != null) {
            Path command = CHROOT.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new IOException("chroot='"
                    + chroot + "' needs the chroot command (coreutils) in /usr/sbin, /sbin or /usr/bin to start the programs"
                    + " inside it"));
            StringBuilder prefix = new StringBuilder(command.toString());
            if (identity != null) {
                prefix.append(" --userspec=").append(Integer.toUnsignedString(identity.uid())).append(':')
                        .append(Integer.toUnsignedString(identity.gid())).append(" --groups=").append(groups);
            }
            return new UserSwitchCommand(List.of(), prefix.append(' ').append(quoted(chroot.toString())).append(' ').toString());
        }
        if (identity == null) {
            return NONE;
        }
        Path setpriv = SETPRIV.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new IOException("user='" + user
                + "' with worker_program or program needs setpriv (util-linux) in /usr/bin or /bin to start them as that user"));
        return new UserSwitchCommand(List.of(setpriv.toString(), "--reuid=" + Integer.toUnsignedString(identity.uid()),
                "--regid=" + Integer.toUnsignedString(identity.gid()), groups.isEmpty() ? "--clear-groups" : "--groups=" + groups,
                "--"), "");
    }

    /** {@code text} as one word of /bin/sh, whatever it holds. */
    static String quoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
