package dev.prefork.keeper;

import dev.prefork.engine.config.ProgramSocket;
import dev.prefork.posix.ChildCalls;
import dev.prefork.posix.Posix;
import dev.prefork.programs.ProgramSpec;
import dev.prefork.supervisor.ListeningSocket;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Starts one copy of a program with posix_spawn, in a process group of its own, its standard output and
 * error on a pipe the keeper logs, and the listening sockets where its {@code program_socket} convention
 * expects them:
 * <ul>
 *   <li>{@code listen_fds} (systemd): descriptors 3, 4, … in port order, {@code LISTEN_FDS} their count,
 *       {@code LISTEN_FDNAMES} the pool's name for each, and {@code LISTEN_PID} the program's own pid.
 *       The pid is known only once the process exists, so the command runs as
 *       {@code /bin/sh -c 'LISTEN_PID=$$; export LISTEN_PID; exec COMMAND'}: exec keeps the shell's pid,
 *       which is the one the keeper waits for and signals. Standard input is /dev/null.</li>
 *   <li>{@code stdin} (inetd's wait mode): the one listening socket on descriptor 0.</li>
 *   <li>{@code stdio} (inetd's wait mode exactly): the one listening socket on descriptors 0, 1 and 2.</li>
 * </ul>
 * A plain program gets /dev/null on descriptor 0 and runs as {@code /bin/sh -c 'exec COMMAND'}. Every
 * other descriptor is closed in the child, and its signal mask and dispositions are reset. With
 * {@code user} or {@code chroot}, {@link UserSwitchCommand} runs before the shell or between its exec and
 * the program: it sets every id and the groups (and enters the chroot), then execs, so the pid stays the
 * program's.
 */
final class ProgramSpawner implements AutoCloseable {
    private final List<ListeningSocket> sockets;
    private final String poolName;
    private final Map<String, String> baseEnvironment;
    private final int devNull;
    /** setpriv before the shell, or chroot after its exec, when the programs run as another user or confined. */
    private final UserSwitchCommand switchUser;

    /** A started copy: its pid, and the read end of the pipe holding its output (the caller closes it). */
    record Spawned(long pid, int output) {
    }

    ProgramSpawner(List<ListeningSocket> sockets, String poolName, UserSwitchCommand switchUser) {
        this.sockets = List.copyOf(sockets);
        this.poolName = poolName;
        this.switchUser = switchUser;
        Map<String, String> env = new TreeMap<>(System.getenv());
        // The launcher's own activation (if systemd started it so) and the engine's variables are not the program's.
        env.keySet().removeIf(key -> key.startsWith("PREFORK_") || key.startsWith("LISTEN_"));
        this.baseEnvironment = Collections.unmodifiableMap(env);
        this.devNull = ChildCalls.openDevNull();
    }

    Spawned spawn(ProgramSpec spec) {
        Map<String, String> env = new TreeMap<>(baseEnvironment);
        List<Integer> sources = new ArrayList<>();
        String script;
        int[] pipe = ChildCalls.pipe();
        try {
            String exec = "exec " + switchUser.execPrefix() + spec.command();
            if (spec.socket() == ProgramSocket.STDIN || spec.socket() == ProgramSocket.STDIO) {
                sources.add(sockets.get(0).fd());
                script = exec;
            } else {
                sources.add(devNull);
                script = spec.listens() ? "LISTEN_PID=$$; export LISTEN_PID; " + exec : exec;
            }
            if (spec.socket() == ProgramSocket.STDIO) {
                // inetd's exact convention: the socket on 0, 1 and 2 (the program's output cannot reach the log).
                sources.add(sockets.get(0).fd());
                sources.add(sockets.get(0).fd());
            } else {
                sources.add(pipe[1]); // standard output
                sources.add(pipe[1]); // standard error
            }
            if (spec.socket() == ProgramSocket.LISTEN_FDS) {
                List<String> names = new ArrayList<>();
                for (ListeningSocket socket : sockets) {
                    sources.add(socket.fd()); // descriptors 3, 4, …: SD_LISTEN_FDS_START onwards
                    names.add(poolName);
                }
                env.put("LISTEN_FDS", Integer.toString(sockets.size()));
                env.put("LISTEN_FDNAMES", String.join(":", names));
            }
            List<String> command = new ArrayList<>(switchUser.beforeShell());
            command.addAll(List.of("/bin/sh", "-c", script));
            String[] argv = command.toArray(String[]::new);
            String[] envp = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
            long pid = Posix.spawn(argv, envp, placements(sources), sources.size(), true);
            Posix.close(pipe[1]);
            return new Spawned(pid, pipe[0]);
        } catch (RuntimeException e) {
            Posix.close(pipe[0]);
            Posix.close(pipe[1]);
            throw e;
        }
    }

    /**
     * The dup2 pairs that put {@code sources.get(i)} on descriptor i in the child. Each source is first
     * copied above every source and target, then onto its target: copied straight, a source whose number
     * is another's target would be overwritten before it was copied (a socket on 3 and the pipe on 4, say),
     * and a source already on its target would keep its close-on-exec flag. closefrom then drops the
     * intermediate copies.
     */
    static int[] placements(List<Integer> sources) {
        int base = sources.size();
        for (int source : sources) {
            base = Math.max(base, source + 1);
        }
        int[] pairs = new int[sources.size() * 4];
        int n = 0;
        for (int i = 0; i < sources.size(); i++) {
            pairs[n++] = sources.get(i);
            pairs[n++] = base + i;
        }
        for (int i = 0; i < sources.size(); i++) {
            pairs[n++] = base + i;
            pairs[n++] = i;
        }
        return pairs;
    }

    @Override
    public void close() {
        Posix.close(devNull);
    }
}
