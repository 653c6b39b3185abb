package dev.prefork.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Taking a descriptor out of another process: {@code pidfd_open} and {@code pidfd_getfd} (Linux 5.6+),
 * the process at the other end of a Unix-domain socket ({@code SO_PEERPIDFD}, Linux 6.5+, else
 * {@code SO_PEERCRED} and {@code pidfd_open}), and what kind of socket a descriptor is. The controlling
 * JVM takes each accepted client from its worker this way ({@code descriptor_transfer pidfd}), so that the
 * worker itself makes no native call.
 *
 * <p>The two pidfd calls go through libc's {@code syscall}: glibc has wrappers only from 2.36. Their
 * numbers are the same on x86_64 and aarch64 (the system calls added after 5.1 share one table).
 *
 * <p>An instance owns a little native scratch memory and serves one thread at a time.
 */
public final class PidfdCalls {
    private static final long SYS_PIDFD_OPEN = 434;
    private static final long SYS_PIDFD_GETFD = 438;
    public static final int EBADF = 9;
    public static final int ESRCH = 3;
    public static final int EPERM = 1;
    public static final int ENOSYS = 38;
    private static final int ENOPROTOOPT = 92;
    private static final int ENOTSOCK = 88;
    private static final int SOL_SOCKET = 1;
    private static final int SO_PEERCRED = 17;
    private static final int SO_ACCEPTCONN = 30;
    private static final int SO_PROTOCOL = 38;
    private static final int SO_DOMAIN = 39;
    private static final int SO_TYPE = 3;
    private static final int SO_PEERPIDFD = 77;
    private static final int SOCK_STREAM = 1;
    private static final int IPPROTO_TCP = 6;
    private static final int AF_UNIX = 1;

    private final MemorySegment capture;
    private final MemorySegment value;
    private final MemorySegment length;
    private final MemorySegment address;

    public PidfdCalls(Arena arena) {
        this.capture = arena.allocate(Libc.CAPTURE_LAYOUT);
        this.value = arena.allocate(16, 8);
        this.length = arena.allocate(JAVA_INT);
        this.address = arena.allocate(SocketCalls.SOCKADDR_SIZE, 8);
    }

    /** The process at the other end of Unix-domain socket {@code link}, with where the answer came from. */
    public record Peer(int pidfd, String how) {
    }

    /**
     * A pidfd of the process that connected {@code link}. {@code SO_PEERPIDFD} names the very process that
     * connected, even if it has exited and its pid been reused since; where the kernel lacks it, the pid
     * from {@code SO_PEERCRED} is opened, which a pid reuse between the two calls could misdirect (the
     * descriptor then taken is checked all the same, and our workers are this JVM's descendants, whose pids
     * are not reused while their parent has not reaped them).
     */
    public Peer peer(int link) {
        length.set(JAVA_INT, 0, 4);
        int result = getsockopt(link, SO_PEERPIDFD);
        if (result >= 0) {
            return new Peer(value.get(JAVA_INT, 0), "SO_PEERPIDFD");
        }
        if (Libc.errno(capture) != ENOPROTOOPT) {
            throw Libc.failure("getsockopt SO_PEERPIDFD", capture);
        }
        length.set(JAVA_INT, 0, 12);
        if (getsockopt(link, SO_PEERCRED) < 0) {
            throw Libc.failure("getsockopt SO_PEERCRED", capture);
        }
        return new Peer(open(value.get(JAVA_INT, 0)), "SO_PEERCRED");
    }

    /** {@code pidfd_open(pid, 0)}. */
    public int open(long pid) {
        long fd = syscall(SYS_PIDFD_OPEN, pid, 0);
        if (fd < 0) {
            throw Libc.failure("pidfd_open", capture);
        }
        return (int) fd;
    }

    /**
     * A descriptor of this process (close-on-exec, as the kernel makes it) for the file the process of
     * {@code pidfd} has open as {@code number}.
     *
     * @throws PosixException EBADF (not open there), ESRCH (the process is gone), EPERM (not allowed to
     *                        trace it), EMFILE (no descriptor free here), ENOSYS (no such system call)
     */
    public int take(int pidfd, int number) {
        long fd = syscall(SYS_PIDFD_GETFD, pidfd, number);
        if (fd < 0) {
            throw Libc.failure("pidfd_getfd", capture);
        }
        return (int) fd;
    }

    /**
     * Why {@code fd} is not a client connection a pool could have accepted, or null when it is one: a TCP
     * socket that is not listening, or a named Unix-domain stream socket that is not listening (a socket
     * accepted on a Unix-domain port carries that port's name; a worker's own link does not).
     */
    public String notAClient(int fd) {
        length.set(JAVA_INT, 0, 4);
        if (getsockopt(fd, SO_PROTOCOL) < 0) {
            return Libc.errno(capture) == ENOTSOCK ? "not a socket" : Libc.failure("getsockopt", capture).getMessage();
        }
        int protocol = value.get(JAVA_INT, 0);
        if (protocol != IPPROTO_TCP) {
            String unixProblem = protocol == 0 ? notAUnixClient(fd) : "a socket of protocol " + protocol;
            if (unixProblem != null) {
                return unixProblem;
            }
        }
        length.set(JAVA_INT, 0, 4);
        if (getsockopt(fd, SO_ACCEPTCONN) < 0) {
            return Libc.failure("getsockopt SO_ACCEPTCONN", capture).getMessage();
        }
        return value.get(JAVA_INT, 0) != 0 ? "a listening socket" : null;
    }

    private String notAUnixClient(int fd) {
        length.set(JAVA_INT, 0, 4);
        if (getsockopt(fd, SO_DOMAIN) < 0 || value.get(JAVA_INT, 0) != AF_UNIX) {
            return "neither a TCP nor a Unix-domain socket";
        }
        length.set(JAVA_INT, 0, 4);
        if (getsockopt(fd, SO_TYPE) < 0 || value.get(JAVA_INT, 0) != SOCK_STREAM) {
            return "a Unix-domain socket that is not a stream";
        }
        length.set(JAVA_INT, 0, (int) address.byteSize());
        int result;
        try {
            result = (int) GetSockName.CALL.invokeExact(capture, fd, address, length);
        } catch (Throwable t) {
            throw SocketCalls.unexpected("getsockname", t);
        }
        if (result < 0 || length.get(JAVA_INT, 0) <= 2) {
            return "an unnamed Unix-domain socket (not one accepted on a port)";
        }
        return null;
    }

    /**
     * Null when this process can take a descriptor from another with {@code pidfd_getfd}, else why not:
     * tried on itself (a pidfd of its own, and a copy of that), which finds a kernel without the calls and a
     * seccomp filter that refuses them. Whether this process may trace a given other one is for the caller
     * to judge (same user, or CAP_SYS_PTRACE).
     */
    public static String probe() {
        try (Arena arena = Arena.ofConfined()) {
            PidfdCalls calls = new PidfdCalls(arena);
            int pidfd;
            try {
                pidfd = calls.open(ProcessHandle.current().pid());
            } catch (PosixException e) {
                return describe(e);
            }
            try {
                SocketCalls.closeQuietly(calls.take(pidfd, pidfd));
                return null;
            } catch (PosixException e) {
                return describe(e);
            } finally {
                SocketCalls.closeQuietly(pidfd);
            }
        } catch (RuntimeException | LinkageError e) {
            return "cannot link the system calls (" + e + ")";
        }
    }

    /**
     * Loads and links what describing a failed call needs (strerror, the exception), so that a failure while
     * this process has no descriptor free, when no class can be loaded from a jar, can still be reported.
     */
    public static void prepareForFailures() {
        new PosixException("pidfd_getfd", SocketCalls.EMFILE, Libc.strerror(SocketCalls.EMFILE)).getMessage();
    }

    private static String describe(PosixException e) {
        if (e.errno() == ENOSYS) {
            return "the kernel has no " + e.getMessage().substring(0, e.getMessage().indexOf(':')) + " (Linux 5.6 or newer has)";
        }
        if (e.errno() == EPERM) {
            return e.getMessage() + ": refused here (a seccomp filter or a security module)";
        }
        return e.getMessage();
    }

    private int getsockopt(int fd, int option) {
        try {
            return (int) GetSockOpt.CALL.invokeExact(capture, fd, SOL_SOCKET, option, value, length);
        } catch (Throwable t) {
            throw SocketCalls.unexpected("getsockopt", t);
        }
    }

    private long syscall(long number, long first, long second) {
        try {
            return (long) Syscall.CALL.invokeExact(capture, number, first, second, 0L);
        } catch (Throwable t) {
            throw SocketCalls.unexpected("syscall", t);
        }
    }

    private static final class Syscall {
        static final MethodHandle CALL = Libc.errnoCall("syscall",
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(1));
    }

    private static final class GetSockOpt {
        static final MethodHandle CALL = Libc.errnoCall("getsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }

    private static final class GetSockName {
        static final MethodHandle CALL = Libc.errnoCall("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }
}
