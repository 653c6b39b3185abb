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
 * What a JVM needs to keep programs of any kind as children when other code in the same JVM may have
 * children too (the launcher's ProcessBuilder jobs): waiting for one child by its pid, never for any
 * child, so that nobody else's exit status is taken; pipes for a child's output; /dev/null for its input.
 */
public final class ChildCalls {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int P_PID = 1;
    private static final int WEXITED = 4;
    private static final int WNOWAIT = 0x01000000;
    /** sizeof(siginfo_t) on Linux, every architecture. */
    private static final long SIGINFO_SIZE = 128;

    private static final class Calls {
        static final MethodHandle PIPE2 = Libc.errnoCall("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle OPEN = Libc.errnoCall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
                java.lang.foreign.Linker.Option.firstVariadicArg(2));
        static final MethodHandle READ = Libc.errnoCall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
        static final MethodHandle WAITID = Libc.errnoCall("waitid",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle WAITPID = Libc.errnoCall("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private ChildCalls() {
    }

    /** A pipe, both ends close-on-exec: {read end, write end}. */
    public static int[] pipe() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            Posix.checked("pipe2", c -> (int) Calls.PIPE2.invokeExact(c, fds, O_CLOEXEC));
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        }
    }

    /** /dev/null opened for reading, close-on-exec: what a program without a socket on fd 0 reads. */
    public static int openDevNull() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom("/dev/null");
            return Posix.checked("open /dev/null", c -> (int) Calls.OPEN.invokeExact(c, path, O_RDONLY | O_CLOEXEC));
        }
    }

    /** Reads up to {@code buffer.length} bytes (blocking); 0 at end of stream. Restarted after signals. */
    public static int read(int fd, byte[] buffer) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment native_ = arena.allocate(buffer.length);
            MemorySegment capture = arena.allocate(Libc.CAPTURE_LAYOUT);
            while (true) {
                long n = (long) Calls.READ.invokeExact(capture, fd, native_, (long) buffer.length);
                if (n >= 0) {
                    MemorySegment.copy(native_, JAVA_BYTE, 0, buffer, 0, (int) n);
                    return (int) n;
                }
                if (Libc.errno(capture) != Posix.EINTR) {
                    throw Libc.failure("read", capture);
                }
            }
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("read: native call failed", t);
        }
    }

    /**
     * Blocks until the child {@code pid} has exited, without reaping it: it stays a zombie, so its pid
     * (and its process group's id) cannot be given to another process until {@link #reap}. Returns
     * false when there is no such child (ECHILD).
     */
    public static boolean awaitExit(long pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(SIGINFO_SIZE, 8);
            while (true) {
                try {
                    Posix.checked("waitid", c -> (int) Calls.WAITID.invokeExact(c, P_PID, (int) pid, info, WEXITED | WNOWAIT));
                    return true;
                } catch (PosixException e) {
                    if (e.errno() == Posix.ECHILD) {
                        return false;
                    }
                    if (e.errno() != Posix.EINTR) {
                        throw e;
                    }
                }
            }
        }
    }

    /** Reaps the child {@code pid} (waiting for it if it still runs) and returns its raw wait status. */
    public static int reap(long pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(JAVA_INT);
            while (true) {
                try {
                    Posix.checked("waitpid", c -> (int) Calls.WAITPID.invokeExact(c, (int) pid, status, 0));
                    return status.get(JAVA_INT, 0);
                } catch (PosixException e) {
                    if (e.errno() != Posix.EINTR) {
                        throw e;
                    }
                }
            }
        }
    }
}
