package dev.prefork.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * One epoll instance that watches sockets until they become readable, each once ({@code EPOLLONESHOT}),
 * and an eventfd that wakes its waiting thread from any other. What is watched is named by a token of
 * the caller's choosing, not by the descriptor: a descriptor number can be reused by the next socket the
 * moment it is closed, a token is never reused.
 *
 * <p>{@link #await} and {@link #token} serve one thread (the poller's); {@link #watch} and {@link #wake}
 * may be called from any thread: epoll_ctl and write are safe to call concurrently with epoll_wait.
 */
public final class Epoll implements AutoCloseable {
    private static final int EPOLL_CLOEXEC = 0x80000;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLLIN = 0x1;
    private static final int EPOLLRDHUP = 0x2000;
    private static final int EPOLLONESHOT = 1 << 30;
    /** The token of the eventfd that {@link #wake} writes. */
    public static final long WAKE_TOKEN = -1;
    /**
     * struct epoll_event is packed on x86_64 (a 32-bit mask, then the 64-bit data at offset 4: 12 bytes)
     * and naturally aligned elsewhere (data at offset 8: 16 bytes).
     */
    private static final boolean PACKED = System.getProperty("os.arch", "").equals("amd64")
            || System.getProperty("os.arch", "").equals("x86_64");
    private static final long EVENT_SIZE = PACKED ? 12 : 16;
    private static final long DATA_OFFSET = PACKED ? 4 : 8;

    private final int epfd;
    private final int wakeFd;
    private final int maxEvents;
    private final MemorySegment events;
    /** errno capture and one event, for the callers of {@link #watch} (any thread, so each its own). */
    private final Arena arena;
    private final MemorySegment waitCapture;
    private final MemorySegment drain;
    private final MemorySegment one;

    /** Opens the epoll instance and its eventfd; {@code maxEvents} readiness reports are taken per {@link #await}. */
    public Epoll(int maxEvents) {
        this.arena = Arena.ofShared();
        this.maxEvents = maxEvents;
        this.events = arena.allocate(EVENT_SIZE * maxEvents, 8);
        this.waitCapture = arena.allocate(Libc.CAPTURE_LAYOUT);
        this.drain = arena.allocate(8, 8);
        this.one = arena.allocate(8, 8);
        one.set(JAVA_LONG, 0, 1L);
        MemorySegment capture = waitCapture;
        int created;
        int wake;
        try {
            created = (int) Create.CALL.invokeExact(capture, EPOLL_CLOEXEC);
            if (created < 0) {
                throw Libc.failure("epoll_create1", capture);
            }
            wake = (int) EventFd.CALL.invokeExact(capture, 0, EFD_CLOEXEC | EFD_NONBLOCK);
        } catch (PosixException e) {
            arena.close();
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw new IllegalStateException("epoll: native call failed", t);
        }
        if (wake < 0) {
            PosixException failure = Libc.failure("eventfd", capture);
            SocketCalls.closeQuietly(created);
            arena.close();
            throw failure;
        }
        this.epfd = created;
        this.wakeFd = wake;
        try (Arena scratch = Arena.ofConfined()) {
            add(scratch, wake, WAKE_TOKEN, EPOLLIN);
        }
    }

    /** Watches {@code fd} until it is readable (bytes, end of stream or an error), once; reported as {@code token}. */
    public void watch(int fd, long token) {
        try (Arena scratch = Arena.ofConfined()) {
            add(scratch, fd, token, EPOLLIN | EPOLLRDHUP | EPOLLONESHOT);
        }
    }

    private void add(Arena scratch, int fd, long token, int mask) {
        MemorySegment event = scratch.allocate(EVENT_SIZE, 8);
        MemorySegment capture = scratch.allocate(Libc.CAPTURE_LAYOUT);
        event.set(JAVA_INT_UNALIGNED, 0, mask);
        event.set(JAVA_LONG_UNALIGNED, DATA_OFFSET, token);
        int result;
        try {
            result = (int) Control.CALL.invokeExact(capture, epfd, EPOLL_CTL_ADD, fd, event);
        } catch (Throwable t) {
            throw new IllegalStateException("epoll_ctl: native call failed", t);
        }
        if (result < 0) {
            throw Libc.failure("epoll_ctl", capture);
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (-1: until something happens) and returns how many tokens are
     * ready; 0 after a timeout or a signal. A wake-up is drained here and reported as {@link #WAKE_TOKEN}.
     */
    public int await(int timeoutMillis) {
        int n;
        try {
            n = (int) Wait.CALL.invokeExact(waitCapture, epfd, events, maxEvents, timeoutMillis);
        } catch (Throwable t) {
            throw new IllegalStateException("epoll_wait: native call failed", t);
        }
        if (n < 0) {
            if (Libc.errno(waitCapture) == SocketCalls.EINTR) {
                return 0;
            }
            throw Libc.failure("epoll_wait", waitCapture);
        }
        for (int i = 0; i < n; i++) {
            if (token(i) == WAKE_TOKEN) {
                try {
                    long ignored = (long) Read.CALL.invokeExact(waitCapture, wakeFd, drain, 8L);
                } catch (Throwable t) {
                    throw new IllegalStateException("read: native call failed", t);
                }
            }
        }
        return n;
    }

    /** The token of the {@code i}-th report of the last {@link #await}. */
    public long token(int i) {
        return events.get(JAVA_LONG_UNALIGNED, i * EVENT_SIZE + DATA_OFFSET);
    }

    /** Makes the thread in {@link #await} (or its next call) return at once. */
    public void wake() {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment capture = scratch.allocate(Libc.CAPTURE_LAYOUT);
            long ignored = (long) Write.CALL.invokeExact(capture, wakeFd, one, 8L);
        } catch (Throwable t) {
            throw new IllegalStateException("write: native call failed", t);
        }
    }

    /** Closes the epoll instance and the eventfd; call it once the waiting thread has left {@link #await}. */
    @Override
    public void close() {
        SocketCalls.closeQuietly(wakeFd);
        SocketCalls.closeQuietly(epfd);
        arena.close();
    }

    private static final class Create {
        static final MethodHandle CALL = Libc.errnoCall("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private static final class EventFd {
        static final MethodHandle CALL = Libc.errnoCall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private static final class Control {
        static final MethodHandle CALL = Libc.errnoCall("epoll_ctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    }

    private static final class Wait {
        static final MethodHandle CALL = Libc.errnoCall("epoll_wait",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }

    private static final class Read {
        static final MethodHandle CALL = Libc.errnoCall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }

    private static final class Write {
        static final MethodHandle CALL = Libc.errnoCall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }
}
