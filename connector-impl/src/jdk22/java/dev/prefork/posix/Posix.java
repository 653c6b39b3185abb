package dev.prefork.posix;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The few libc calls the supervisor and the semaphore accept lock need, bound with the Foreign Function
 * &amp; Memory API. Each method returns what libc returns and throws {@link PosixException} (with errno)
 * where libc reports failure, so callers read like the C they replace.
 *
 * <p>Linux only (glibc, x86_64 and aarch64 share every constant used here).
 */
public final class Posix {

    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPV6_V6ONLY = 26;

    public static final int IPPROTO_TCP = 6;
    private static final int TCP_INFO = 11;
    private static final long TCPI_UNACKED = 24;
    private static final long TCPI_SACKED = 28;
    /** The part of struct tcp_info we read (its first 104 bytes have been stable since Linux 2.6). */
    private static final long TCP_INFO_PREFIX = 104;

    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int ECHILD = 10;
    public static final int ESRCH = 3;
    public static final int EAFNOSUPPORT = 97;

    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    public static final int IPC_PRIVATE = 0;
    public static final int IPC_CREAT = 0x200;
    public static final int IPC_RMID = 0;
    public static final int SETVAL = 16;
    public static final int GETVAL = 12;
    public static final int GETNCNT = 14;
    public static final short SEM_UNDO = 0x1000;

    private static final short POSIX_SPAWN_SETPGROUP = 0x02;
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    /** Generous upper bounds of glibc's opaque structs (80, 336 and 128 bytes on x86_64). */
    private static final long SPAWN_FILE_ACTIONS_SIZE = 256;
    private static final long SPAWN_ATTR_SIZE = 512;
    private static final long SIGSET_SIZE = 128;

    private static final StructLayout CAPTURE_LAYOUT = Libc.CAPTURE_LAYOUT;

    // Each group of handles is linked on first use (a holder class each): linking costs milliseconds
    // per handle, and a worker with serialize semaphore, or the controlling JVM's descriptor bridge,
    // needs one group only.

    /** Socket, bind, listen and the like: the supervisor, and the descriptor bridge in the controlling JVM. */
    private static final class Sockets {
        static final MethodHandle SOCKET = errnoCall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle SETSOCKOPT = errnoCall("setsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle BIND = errnoCall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle LISTEN = errnoCall("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle GETSOCKNAME = errnoCall("getsockname",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle CLOSE = errnoCall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    /** getsockopt(TCP_INFO), for the listen queue the status port shows: the supervisor, when it has one. */
    private static final class SocketInfo {
        static final MethodHandle GETSOCKOPT = errnoCall("getsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }

    /** Signals, waiting for children, FIFOs: the supervisor. */
    private static final class Processes {
        static final MethodHandle KILL = errnoCall("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle WAITPID = errnoCall("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle SETPGID = errnoCall("setpgid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle MKFIFO = errnoCall("mkfifo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    }

    /** The SysV semaphore of serialize semaphore: the supervisor and its workers. */
    private static final class Semaphores {
        static final MethodHandle SEMGET = errnoCall("semget", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle SEMCTL = errnoCall("semctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(3));
        static final MethodHandle SEMOP = errnoCall("semop", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
        static final MethodHandle SEMTIMEDOP = errnoCall("semtimedop",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
    }

    /** posix_spawn and its attributes: the supervisor. */
    private static final class Spawning {
        static final MethodHandle SPAWN = call("posix_spawn",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle FA_INIT = call("posix_spawn_file_actions_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle FA_DESTROY = call("posix_spawn_file_actions_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle FA_DUP2 = call("posix_spawn_file_actions_adddup2",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        static final MethodHandle FA_CLOSEFROM = call("posix_spawn_file_actions_addclosefrom_np",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle ATTR_INIT = call("posix_spawnattr_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle ATTR_DESTROY = call("posix_spawnattr_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle ATTR_SETFLAGS = call("posix_spawnattr_setflags",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
        static final MethodHandle ATTR_SETPGROUP = call("posix_spawnattr_setpgroup",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle ATTR_SETSIGMASK = call("posix_spawnattr_setsigmask",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle ATTR_SETSIGDEFAULT = call("posix_spawnattr_setsigdefault",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle SIGEMPTYSET = call("sigemptyset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle SIGFILLSET = call("sigfillset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    private Posix() {
    }

    private static MethodHandle call(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return Libc.call(name, descriptor, options);
    }

    private static MethodHandle errnoCall(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        return Libc.errnoCall(name, descriptor, extra);
    }

    /** A native call that sets errno: the first argument is the capture segment. */
    @FunctionalInterface
    interface ErrnoCall {
        int invoke(MemorySegment capture) throws Throwable;
    }

    static int checked(String what, ErrnoCall call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);
            int result = call.invoke(capture);
            if (result == -1) {
                throw Libc.failure(what, capture);
            }
            return result;
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(what + ": native call failed", t);
        }
    }

    /** Calls that return an error number instead of setting errno (the posix_spawn family). */
    private static void spawnChecked(String what, int result) {
        if (result != 0) {
            throw new PosixException(what, result, strerror(result));
        }
    }

    public static String strerror(int errno) {
        return Libc.strerror(errno);
    }

    public static int socket(int domain, int type) {
        return checked("socket", c -> (int) Sockets.SOCKET.invokeExact(c, domain, type, 0));
    }

    public static void setIntOption(int fd, int level, int option, int value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocateFrom(JAVA_INT, value);
            checked("setsockopt", c -> (int) Sockets.SETSOCKOPT.invokeExact(c, fd, level, option, v, 4));
        }
    }

    public static void bind(int fd, MemorySegment sockaddr) {
        checked("bind", c -> (int) Sockets.BIND.invokeExact(c, fd, sockaddr, (int) sockaddr.byteSize()));
    }

    public static void listen(int fd, int backlog) {
        checked("listen", c -> (int) Sockets.LISTEN.invokeExact(c, fd, backlog));
    }

    /** Fills {@code sockaddr} with the socket's bound address and returns its length. */
    public static int getsockname(int fd, MemorySegment sockaddr) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment length = arena.allocateFrom(JAVA_INT, (int) sockaddr.byteSize());
            checked("getsockname", c -> (int) Sockets.GETSOCKNAME.invokeExact(c, fd, sockaddr, length));
            return length.get(JAVA_INT, 0);
        }
    }

    /**
     * The accept queue of a listening TCP socket: {@code {connections waiting for accept(), the queue's
     * limit}}. Linux's {@code TCP_INFO} reports them for a socket in the LISTEN state in
     * {@code tcpi_unacked} (sk_ack_backlog) and {@code tcpi_sacked} (sk_max_ack_backlog), at offsets 24
     * and 28 of {@code struct tcp_info}, which has kept its layout since Linux 2.6.
     */
    public static int[] listenQueue(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(TCP_INFO_PREFIX, 8);
            MemorySegment length = arena.allocateFrom(JAVA_INT, (int) TCP_INFO_PREFIX);
            checked("getsockopt TCP_INFO", c -> (int) SocketInfo.GETSOCKOPT.invokeExact(c, fd, IPPROTO_TCP, TCP_INFO, info, length));
            if (length.get(JAVA_INT, 0) < TCPI_SACKED + 4) {
                throw new PosixException("getsockopt TCP_INFO", 0, "the kernel returned a short tcp_info");
            }
            return new int[] {info.get(JAVA_INT, TCPI_UNACKED), info.get(JAVA_INT, TCPI_SACKED)};
        }
    }

    public static void close(int fd) {
        checked("close", c -> (int) Sockets.CLOSE.invokeExact(c, fd));
    }

    /** Sends {@code signal}; returns false when no such process exists (ESRCH). */
    public static boolean kill(long pid, int signal) {
        try {
            checked("kill", c -> (int) Processes.KILL.invokeExact(c, (int) pid, signal));
            return true;
        } catch (PosixException e) {
            if (e.errno() == ESRCH) {
                return false;
            }
            throw e;
        }
    }

    /** Moves the calling process into a process group of its own. */
    public static void becomeProcessGroupLeader() {
        checked("setpgid", c -> (int) Processes.SETPGID.invokeExact(c, 0, 0));
    }

    /**
     * Waits for any child to change state and returns {pid, raw status}; blocks when {@code block}.
     * Returns pid 0 when nothing is ready (non-blocking) and -1 when there are no children at all.
     */
    public static long[] waitAnyChild(boolean block) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(JAVA_INT);
            while (true) {
                try {
                    int pid = checked("waitpid", c -> (int) Processes.WAITPID.invokeExact(c, -1, status, block ? 0 : 1));
                    return new long[] {pid, pid > 0 ? status.get(JAVA_INT, 0) : 0};
                } catch (PosixException e) {
                    if (e.errno() == EINTR) {
                        continue;
                    }
                    if (e.errno() == ECHILD) {
                        return new long[] {-1, 0};
                    }
                    throw e;
                }
            }
        }
    }

    public static void mkfifo(String path, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocateFrom(path);
            checked("mkfifo " + path, c -> (int) Processes.MKFIFO.invokeExact(c, p, mode));
        }
    }

    /** Creates a private SysV semaphore set of one semaphore with the given value. */
    public static int createSemaphore(int value) {
        int id = checked("semget", c -> (int) Semaphores.SEMGET.invokeExact(c, IPC_PRIVATE, 1, IPC_CREAT | 0600));
        checked("semctl SETVAL", c -> (int) Semaphores.SEMCTL.invokeExact(c, id, 0, SETVAL, value));
        return id;
    }

    public static void removeSemaphore(int id) {
        checked("semctl IPC_RMID", c -> (int) Semaphores.SEMCTL.invokeExact(c, id, 0, IPC_RMID, 0));
    }

    /** The value of semaphore 0 of {@code id}. */
    public static int semaphoreValue(int id) {
        return checked("semctl GETVAL", c -> (int) Semaphores.SEMCTL.invokeExact(c, id, 0, GETVAL, 0));
    }

    /** How many threads wait in semop for semaphore 0 of {@code id} to grow. */
    public static int semaphoreWaiters(int id) {
        return checked("semctl GETNCNT", c -> (int) Semaphores.SEMCTL.invokeExact(c, id, 0, GETNCNT, 0));
    }

    /** {@code semop} on semaphore 0 of {@code id} with SEM_UNDO, restarted after signals. */
    public static void semop(int id, short delta) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment op = semaphoreOperation(arena, delta);
            while (true) {
                try {
                    checked("semop", c -> (int) Semaphores.SEMOP.invokeExact(c, id, op, 1L));
                    return;
                } catch (PosixException e) {
                    if (e.errno() != EINTR) {
                        throw e;
                    }
                }
            }
        }
    }

    /**
     * {@code semtimedop} on semaphore 0 of {@code id} with SEM_UNDO: false when it could not be done within
     * {@code timeoutMillis} or a signal came first (the caller decides whether to try again).
     */
    public static boolean semop(int id, short delta, long timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment op = semaphoreOperation(arena, delta);
            MemorySegment timeout = arena.allocate(16); // struct timespec: tv_sec, tv_nsec (two longs on 64-bit Linux)
            timeout.set(JAVA_LONG, 0, timeoutMillis / 1000);
            timeout.set(JAVA_LONG, 8, (timeoutMillis % 1000) * 1_000_000L);
            try {
                checked("semtimedop", c -> (int) Semaphores.SEMTIMEDOP.invokeExact(c, id, op, 1L, timeout));
                return true;
            } catch (PosixException e) {
                if (e.errno() == EAGAIN || e.errno() == EINTR) {
                    return false;
                }
                throw e;
            }
        }
    }

    /** One struct sembuf for semaphore 0: {@code delta}, with SEM_UNDO so that a dying process's changes are undone. */
    private static MemorySegment semaphoreOperation(Arena arena, short delta) {
        MemorySegment op = arena.allocate(6);
        op.set(JAVA_SHORT, 0, (short) 0);
        op.set(JAVA_SHORT, 2, delta);
        op.set(JAVA_SHORT, 4, SEM_UNDO);
        return op;
    }

    /**
     * Spawns {@code argv[0]} with {@code envp}; in the child, {@code dup2Pairs} (from, to, from, to, …)
     * are applied in order, every descriptor from {@code closeFrom} up is closed, the signal mask is
     * emptied and every signal is reset to its default action (the JVM blocks some in its threads).
     */
    public static long spawn(String[] argv, String[] envp, int[] dup2Pairs, int closeFrom) {
        return spawn(argv, envp, dup2Pairs, closeFrom, false);
    }

    /**
     * As {@link #spawn(String[], String[], int[], int)}; with {@code ownProcessGroup} the child also leads
     * a new process group (its pid is the group's id), so that it and whatever it starts can be signalled
     * together with {@code kill(-pid, signal)}.
     */
    public static long spawn(String[] argv, String[] envp, int[] dup2Pairs, int closeFrom, boolean ownProcessGroup) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment actions = arena.allocate(SPAWN_FILE_ACTIONS_SIZE, 16);
            MemorySegment attr = arena.allocate(SPAWN_ATTR_SIZE, 16);
            MemorySegment emptySet = arena.allocate(SIGSET_SIZE, 16);
            MemorySegment fullSet = arena.allocate(SIGSET_SIZE, 16);
            MemorySegment pid = arena.allocate(JAVA_INT);
            spawnChecked("posix_spawn_file_actions_init", (int) Spawning.FA_INIT.invokeExact(actions));
            spawnChecked("posix_spawnattr_init", (int) Spawning.ATTR_INIT.invokeExact(attr));
            try {
                for (int i = 0; i < dup2Pairs.length; i += 2) {
                    spawnChecked("posix_spawn_file_actions_adddup2",
                            (int) Spawning.FA_DUP2.invokeExact(actions, dup2Pairs[i], dup2Pairs[i + 1]));
                }
                spawnChecked("posix_spawn_file_actions_addclosefrom_np", (int) Spawning.FA_CLOSEFROM.invokeExact(actions, closeFrom));
                spawnChecked("sigemptyset", (int) Spawning.SIGEMPTYSET.invokeExact(emptySet));
                spawnChecked("sigfillset", (int) Spawning.SIGFILLSET.invokeExact(fullSet));
                short flags = (short) (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | (ownProcessGroup ? POSIX_SPAWN_SETPGROUP : 0));
                spawnChecked("posix_spawnattr_setflags", (int) Spawning.ATTR_SETFLAGS.invokeExact(attr, flags));
                if (ownProcessGroup) {
                    spawnChecked("posix_spawnattr_setpgroup", (int) Spawning.ATTR_SETPGROUP.invokeExact(attr, 0));
                }
                spawnChecked("posix_spawnattr_setsigmask", (int) Spawning.ATTR_SETSIGMASK.invokeExact(attr, emptySet));
                spawnChecked("posix_spawnattr_setsigdefault", (int) Spawning.ATTR_SETSIGDEFAULT.invokeExact(attr, fullSet));
                MemorySegment path = arena.allocateFrom(argv[0]);
                int result = (int) Spawning.SPAWN.invokeExact(pid, path, actions, attr, stringArray(arena, argv), stringArray(arena, envp));
                spawnChecked("posix_spawn " + argv[0], result);
                return pid.get(JAVA_INT, 0);
            } finally {
                int ignoredA = (int) Spawning.FA_DESTROY.invokeExact(actions);
                int ignoredB = (int) Spawning.ATTR_DESTROY.invokeExact(attr);
            }
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("posix_spawn failed", t);
        }
    }

    private static MemorySegment stringArray(Arena arena, String[] strings) {
        AddressLayout pointer = ADDRESS;
        MemorySegment array = arena.allocate(pointer, strings.length + 1L);
        for (int i = 0; i < strings.length; i++) {
            array.setAtIndex(pointer, i, arena.allocateFrom(strings[i]));
        }
        array.setAtIndex(pointer, strings.length, MemorySegment.NULL);
        return array;
    }

    /** Decodes a wait status the way the shell would print it: "exit 3" or "signal 9 (KILL)". */
    public static String describeWaitStatus(int status) {
        int signal = status & 0x7f;
        if (signal == 0) {
            return "exit " + ((status >> 8) & 0xff);
        }
        return "signal " + signal + signalName(signal);
    }

    public static boolean exitedNormally(int status) {
        return (status & 0x7f) == 0 && ((status >> 8) & 0xff) == 0;
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 1 -> " (HUP)";
            case 2 -> " (INT)";
            case 6 -> " (ABRT)";
            case 9 -> " (KILL)";
            case 11 -> " (SEGV)";
            case 15 -> " (TERM)";
            default -> "";
        };
    }
}
