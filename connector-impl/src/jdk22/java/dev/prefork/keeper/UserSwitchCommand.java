package dev.prefork.keeper;

import dev.prefork.posix.Credentials;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How a program started by the root launcher runs as {@code user}/{@code group}: posix_spawn cannot
 * change ids, and the launcher must stay root (it binds, signals and reaps), so each program is started
 * through util-linux's {@code setpriv}, which sets the real, effective and saved user and group ids and
 * the supplementary groups, then execs the program in the same process. The ids are resolved once, here,
 * with the same rules as the supervisor's switch ({@link Credentials#resolve}), and given as numbers.
 */
final class UserSwitchCommand {
    private static final List<Path> SETPRIV = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

    private UserSwitchCommand() {
    }

    /** setpriv and its options for {@code user}/{@code group}, or an empty list when {@code user} is empty. */
    static List<String> of(String user, String group) throws IOException {
        if (user.isEmpty()) {
            if (!group.isEmpty()) {
                throw new IOException("group='" + group + "' with worker_program or program needs user too: the programs would"
                        + " keep the launcher's user (root) with only their groups changed");
            }
            return List.of();
        }
        Path setpriv = SETPRIV.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new IOException("user='" + user
                + "' with worker_program or program needs setpriv (util-linux) in /usr/bin or /bin to start them as that user"));
        Credentials.Identity identity;
        try {
            identity = Credentials.resolve(user, group);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        String groups = Arrays.stream(identity.groups()).mapToObj(Integer::toUnsignedString).collect(Collectors.joining(","));
        return List.of(setpriv.toString(), "--reuid=" + Integer.toUnsignedString(identity.uid()),
                "--regid=" + Integer.toUnsignedString(identity.gid()), groups.isEmpty() ? "--clear-groups" : "--groups=" + groups, "--");
    }
}
