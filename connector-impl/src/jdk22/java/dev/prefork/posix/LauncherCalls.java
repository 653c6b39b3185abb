package dev.prefork.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The standalone launcher's few native calls, for Net::Server's daemon duties the JDK has no API for:
 * a new session ({@code setsid}), standard streams onto /dev/null, and datagrams to a UNIX socket
 * ({@code /dev/log}). The launcher is JDK 17 code and loads this class from the process jar when it
 * runs on JDK 22+ (see {@code dev.prefork.standalone.ProcessJarCalls}); arguments and results are
 * plain types so that it can call them reflectively.
 */
public final class LauncherCalls {
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_NOSIGNAL = 0x4000;

    private static final class Calls {
        static final MethodHandle SETSID = Libc.errnoCall("setsid", FunctionDescriptor.of(JAVA_INT));
        static final MethodHandle OPEN = Libc.errnoCall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
                java.lang.foreign.Linker.Option.firstVariadicArg(2));
        static final MethodHandle DUP2 = Libc.errnoCall("dup2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle SOCKET = Libc.errnoCall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle SENDTO = Libc.errnoCall("sendto",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    }

    /** Linked only by a launcher that restarts itself in place: the others never pay for it. */
    private static final class ExecCalls {
        static final MethodHandle CLOSE_RANGE = Libc.errnoCall("close_range", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle SIGPROCMASK = Libc.errnoCall("sigprocmask", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle EXECV = Libc.errnoCall("execv", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }

    private static final int CLOSE_RANGE_CLOEXEC = 4;
    private static final int SIG_SETMASK = 2;
    private static final int SIGSET_BYTES = 128;

    private LauncherCalls() {
    }

    /** Starts a new session with this process as its leader, without a controlling terminal; returns its id. */
    public static long newSession() {
        return Posix.checked("setsid", c -> (int) Calls.SETSID.invokeExact(c));
    }

    /** Points descriptors 0, 1 and 2 at /dev/null: what the terminal or the starting command held is let go. */
    public static void standardStreamsToDevNull() {
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom("/dev/null");
            fd = Posix.checked("open /dev/null", c -> (int) Calls.OPEN.invokeExact(c, path, O_RDWR | O_CLOEXEC));
        }
        try {
            for (int target = 0; target <= 2; target++) {
                int standard = target;
                Posix.checked("dup2 /dev/null " + standard, c -> (int) Calls.DUP2.invokeExact(c, fd, standard));
            }
        } finally {
            Posix.close(fd);
        }
    }

    /** {@link Hangup#restoreIfIgnored}, for the launcher before it installs its HUP handler. */
    public static boolean restoreHangupIfIgnored() {
        return Hangup.restoreIfIgnored();
    }

    /** A new UNIX datagram socket, close-on-exec, for {@link #sendDatagram}. */
    public static int datagramSocket() {
        return Posix.checked("socket AF_UNIX SOCK_DGRAM",
                c -> (int) Calls.SOCKET.invokeExact(c, Posix.AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    }

    /**
     * Sends {@code message} as one datagram to the socket at {@code path}, never waiting: a reader that
     * is gone or full costs the message, not the caller.
     *
     * @return 0 when sent, else the errno (EAGAIN when the reader is behind, ENOENT/ECONNREFUSED when none)
     */
    public static int sendDatagram(int fd, String path, byte[] message) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(Libc.CAPTURE_LAYOUT);
            MemorySegment address = SocketCalls.unixAddress(arena, path);
            MemorySegment bytes = arena.allocate(Math.max(1, message.length));
            MemorySegment.copy(message, 0, bytes, JAVA_BYTE, 0, message.length);
            long sent = (long) Calls.SENDTO.invokeExact(capture, fd, bytes, (long) message.length, MSG_DONTWAIT | MSG_NOSIGNAL,
                    address, (int) address.byteSize());
            return sent < 0 ? Libc.errno(capture) : 0;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sendto failed", t);
        }
    }

    /**
     * Replaces this process's program with {@code argv} (same pid, parent, session, environment and
     * standard streams), as a shell's {@code exec} does: every other descriptor is marked close-on-exec
     * first, so that nothing this JVM opened leaks into the next one, and the calling thread's signal mask
     * is emptied (the JVM blocks SIGQUIT in its Java threads, and a mask survives exec). Returns only when
     * the exec failed, with the failure.
     */
    public static String replaceProcess(String program, String[] argv) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(program);
            MemorySegment pointers = arena.allocate(ADDRESS, argv.length + 1L);
            for (int i = 0; i < argv.length; i++) {
                pointers.setAtIndex(ADDRESS, i, arena.allocateFrom(argv[i]));
            }
            pointers.setAtIndex(ADDRESS, argv.length, MemorySegment.NULL);
            MemorySegment emptyMask = arena.allocate(SIGSET_BYTES);
            try {
                Posix.checked("close_range CLOEXEC", c -> (int) ExecCalls.CLOSE_RANGE.invokeExact(c, 3, -1, CLOSE_RANGE_CLOEXEC));
                Posix.checked("sigprocmask", c -> (int) ExecCalls.SIGPROCMASK.invokeExact(c, SIG_SETMASK, emptyMask, MemorySegment.NULL));
                Posix.checked("execv " + program, c -> (int) ExecCalls.EXECV.invokeExact(c, path, pointers));
                return "execv returned";
            } catch (PosixException e) {
                return e.getMessage();
            }
        }
    }

    public static void close(int fd) {
        Posix.close(fd);
    }
}
