package dev.prefork.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The socket calls that hand an accepted connection from a worker to the controlling JVM: accept, a
 * Unix-domain {@code SOCK_SEQPACKET} link (one message per send, never split or merged), a message
 * carrying one descriptor ({@code SCM_RIGHTS}), and plain read, send, shutdown and close on the
 * passed socket.
 *
 * <p>Every libc function is linked on first use, in a holder class of its own: a worker pays
 * milliseconds of start-up for each handle it links, and it needs only a few of these.
 *
 * <p>An instance owns a little native scratch memory (errno capture, message header, control buffer)
 * allocated from the arena it is given, and serves one thread at a time.
 */
public final class SocketCalls {
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;
    public static final int EINTR = 4;
    public static final int ECONNABORTED = 103;
    /** What a receive that timed out (SO_RCVTIMEO) fails with. */
    public static final int EAGAIN = 11;
    public static final int EMFILE = 24;
    public static final int ENFILE = 23;

    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_CTRUNC = 0x8;
    private static final int MSG_PEEK = 0x2;
    private static final int SO_RCVTIMEO = 20;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;

    /** struct msghdr and struct cmsghdr on LP64 Linux (x86_64, aarch64). */
    private static final long MSGHDR_SIZE = 56;
    private static final long MSG_IOV = 16;
    private static final long MSG_IOVLEN = 24;
    private static final long MSG_CONTROL = 32;
    private static final long MSG_CONTROLLEN = 40;
    private static final long MSG_FLAGS = 48;
    private static final long CMSG_HEADER = 16;
    /** CMSG_SPACE for up to four descriptors: room to notice (and close) extras a peer should not send. */
    private static final long CONTROL_SIZE = CMSG_HEADER + 16;
    private static final long SOCKADDR_UN_SIZE = 110;
    /** Large enough for any socket address accept can return (sockaddr_storage). */
    public static final long SOCKADDR_SIZE = 128;

    private final MemorySegment capture;
    private final MemorySegment messageHeader;
    private final MemorySegment ioVector;
    private final MemorySegment control;
    private final MemorySegment addressLength;

    public SocketCalls(Arena arena) {
        this.capture = arena.allocate(Libc.CAPTURE_LAYOUT);
        this.messageHeader = arena.allocate(MSGHDR_SIZE, 8);
        this.ioVector = arena.allocate(16, 8);
        this.control = arena.allocate(CONTROL_SIZE, 8);
        this.addressLength = arena.allocate(JAVA_INT);
    }

    /**
     * A message received on a link: its length (0 at end of stream) and the descriptor it carried, or -1.
     * {@code cutOff}: the message carried a descriptor this process could not take (no descriptor
     * free); it is still queued on the link, so the same receive can be tried again later.
     */
    public record Received(int length, int descriptor, boolean cutOff) {
    }

    /**
     * Accepts one connection on {@code listener} (blocking, close-on-exec) and fills {@code address}
     * (at least {@link #SOCKADDR_SIZE} bytes) with the peer's address.
     *
     * @throws PosixException EINTR or ECONNABORTED (try again) or a real failure
     */
    public int accept(int listener, MemorySegment address) {
        addressLength.set(JAVA_INT, 0, (int) address.byteSize());
        int fd;
        try {
            fd = (int) Accept.CALL.invokeExact(capture, listener, address, addressLength, SOCK_CLOEXEC);
        } catch (Throwable t) {
            throw unexpected("accept4", t);
        }
        if (fd < 0) {
            throw Libc.failure("accept4", capture);
        }
        return fd;
    }

    /** Opens a link to the Unix-domain socket at {@code path}. */
    public int connectLink(String path) {
        int fd = socket(SOCK_SEQPACKET);
        connect(fd, path);
        return fd;
    }

    /** A new, unconnected link socket (for {@link #connect}). */
    public int linkSocket() {
        return socket(SOCK_SEQPACKET);
    }

    /** Connects link socket {@code fd} to {@code path}; closes {@code fd} when that fails. */
    public void connect(int fd, String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = unixAddress(arena, path);
            int result;
            try {
                result = (int) Connect.CALL.invokeExact(capture, fd, address, (int) address.byteSize());
            } catch (Throwable t) {
                throw unexpected("connect", t);
            }
            if (result < 0) {
                PosixException failure = Libc.failure("connect " + path, capture);
                closeQuietly(fd);
                throw failure;
            }
        }
    }

    /**
     * Makes receives on {@code fd} fail with {@link #EAGAIN} after {@code millis} without a message; 0
     * waits for ever.
     */
    public void receiveTimeout(int fd, long millis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timeval = arena.allocate(16, 8);
            timeval.set(JAVA_LONG, 0, millis / 1000);
            timeval.set(JAVA_LONG, 8, (millis % 1000) * 1000);
            int result;
            try {
                result = (int) SetSocketOption.CALL.invokeExact(capture, fd, SOL_SOCKET, SO_RCVTIMEO, timeval, 16);
            } catch (Throwable t) {
                throw unexpected("setsockopt", t);
            }
            if (result < 0) {
                throw Libc.failure("setsockopt SO_RCVTIMEO", capture);
            }
        }
    }

    /**
     * Binds and listens on a new Unix-domain socket at {@code path}, for links: {@code SOCK_SEQPACKET} (one
     * message per send, as {@link #send(int, MemorySegment, ByteBuffer, int)} needs) or, with {@code stream},
     * {@code SOCK_STREAM} (what a worker on plain JDK channels can open; its messages carry their own length).
     */
    public int listenForLinks(String path, int backlog, boolean stream) {
        int fd = socket(stream ? SOCK_STREAM : SOCK_SEQPACKET);
        try (Arena arena = Arena.ofConfined()) {
            Posix.bind(fd, unixAddress(arena, path));
            Posix.listen(fd, backlog);
            return fd;
        } catch (RuntimeException e) {
            closeQuietly(fd);
            throw e;
        }
    }

    private int socket(int type) {
        int fd;
        try {
            fd = (int) Socket.CALL.invokeExact(capture, AF_UNIX, type | SOCK_CLOEXEC, 0);
        } catch (Throwable t) {
            throw unexpected("socket", t);
        }
        if (fd < 0) {
            throw Libc.failure("socket", capture);
        }
        return fd;
    }

    static MemorySegment unixAddress(Arena arena, String path) {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= SOCKADDR_UN_SIZE - 2) {
            throw new IllegalArgumentException("socket path longer than " + (SOCKADDR_UN_SIZE - 3) + " bytes: " + path);
        }
        MemorySegment address = arena.allocate(SOCKADDR_UN_SIZE);
        address.set(JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(bytes, 0, address, JAVA_BYTE, 2, bytes.length);
        return address;
    }

    /**
     * Sends {@code message} (from {@code payload}, native memory of at least its size) on {@code link},
     * with {@code descriptor} attached when it is not -1.
     */
    public void send(int link, MemorySegment payload, ByteBuffer message, int descriptor) {
        int length = message.remaining();
        MemorySegment.copy(MemorySegment.ofBuffer(message), 0, payload, 0, length);
        ioVector.set(ADDRESS, 0, payload);
        ioVector.set(JAVA_LONG, 8, length);
        messageHeader.fill((byte) 0);
        messageHeader.set(ADDRESS, MSG_IOV, ioVector);
        messageHeader.set(JAVA_LONG, MSG_IOVLEN, 1);
        if (descriptor >= 0) {
            control.fill((byte) 0);
            control.set(JAVA_LONG, 0, CMSG_HEADER + 4);
            control.set(JAVA_INT, 8, SOL_SOCKET);
            control.set(JAVA_INT, 12, SCM_RIGHTS);
            control.set(JAVA_INT, CMSG_HEADER, descriptor);
            messageHeader.set(ADDRESS, MSG_CONTROL, control);
            messageHeader.set(JAVA_LONG, MSG_CONTROLLEN, CMSG_HEADER + 8);
        }
        while (true) {
            long sent;
            try {
                sent = (long) SendMessage.CALL.invokeExact(capture, link, messageHeader, MSG_NOSIGNAL);
            } catch (Throwable t) {
                throw unexpected("sendmsg", t);
            }
            if (sent >= 0) {
                return;
            }
            if (Libc.errno(capture) != EINTR) {
                throw Libc.failure("sendmsg", capture);
            }
        }
    }

    /**
     * Receives one message from {@code link} into {@code payload}; a descriptor it carried is returned
     * close-on-exec. Extra descriptors fail the call (after closing what arrived): a peer of ours never
     * sends them.
     *
     * <p>The message is peeked at first and taken off the link only once its descriptor is ours: when
     * this process has no descriptor free, the kernel cuts the descriptor off (MSG_CTRUNC) and, had the
     * message been taken, would drop it, and with it a client's connection. Peeked, the message stays
     * queued and {@link Received#cutOff} says to try again. Taking it then costs one more call that
     * installs nothing (no room for control data: the kernel drops its own reference).
     */
    public Received receive(int link, MemorySegment payload) {
        long length = receiveMessage(link, payload, CONTROL_SIZE, MSG_PEEK | MSG_CMSG_CLOEXEC);
        int flags = messageHeader.get(JAVA_INT, MSG_FLAGS);
        if ((flags & MSG_CTRUNC) != 0 && messageHeader.get(JAVA_LONG, MSG_CONTROLLEN) < CMSG_HEADER + 4) {
            return new Received((int) length, -1, true);
        }
        int descriptor = -1;
        PosixException malformed = null;
        try {
            descriptor = descriptorIn(flags);
        } catch (PosixException e) {
            malformed = e; // taken off the link all the same, below
        }
        try {
            receiveMessage(link, payload, 0, 0);
        } catch (PosixException e) {
            if (descriptor >= 0) {
                closeQuietly(descriptor);
            }
            throw e;
        }
        if (malformed != null) {
            throw malformed;
        }
        return new Received((int) length, descriptor, false);
    }

    private long receiveMessage(int link, MemorySegment payload, long controlSize, int flags) {
        ioVector.set(ADDRESS, 0, payload);
        ioVector.set(JAVA_LONG, 8, payload.byteSize());
        while (true) {
            messageHeader.fill((byte) 0);
            messageHeader.set(ADDRESS, MSG_IOV, ioVector);
            messageHeader.set(JAVA_LONG, MSG_IOVLEN, 1);
            if (controlSize > 0) {
                control.fill((byte) 0);
                messageHeader.set(ADDRESS, MSG_CONTROL, control);
                messageHeader.set(JAVA_LONG, MSG_CONTROLLEN, controlSize);
            }
            long length;
            try {
                length = (long) ReceiveMessage.CALL.invokeExact(capture, link, messageHeader, flags);
            } catch (Throwable t) {
                throw unexpected("recvmsg", t);
            }
            if (length >= 0) {
                return length;
            }
            if (Libc.errno(capture) != EINTR) {
                throw Libc.failure("recvmsg", capture);
            }
        }
    }

    private int descriptorIn(int flags) {
        long controlLength = messageHeader.get(JAVA_LONG, MSG_CONTROLLEN);
        if (controlLength < CMSG_HEADER + 4) {
            if ((flags & MSG_CTRUNC) != 0) {
                throw new PosixException("recvmsg", 0, "descriptors cut off (MSG_CTRUNC)");
            }
            return -1;
        }
        long cmsgLength = control.get(JAVA_LONG, 0);
        if (control.get(JAVA_INT, 8) != SOL_SOCKET || control.get(JAVA_INT, 12) != SCM_RIGHTS) {
            throw new PosixException("recvmsg", 0, "unexpected control message");
        }
        int count = (int) ((cmsgLength - CMSG_HEADER) / 4);
        for (int i = 1; i < count; i++) {
            closeQuietly(control.get(JAVA_INT, CMSG_HEADER + 4L * i));
        }
        int descriptor = control.get(JAVA_INT, CMSG_HEADER);
        if (count != 1 || (flags & MSG_CTRUNC) != 0) {
            closeQuietly(descriptor);
            throw new PosixException("recvmsg", 0, count + " descriptors in one message where one was expected");
        }
        return descriptor;
    }

    /** Reads up to {@code length} bytes into {@code buffer}; 0 at end of stream. Restarted after signals. */
    public int read(int fd, MemorySegment buffer, int length) {
        while (true) {
            long n;
            try {
                n = (long) Read.CALL.invokeExact(capture, fd, buffer, (long) length);
            } catch (Throwable t) {
                throw unexpected("read", t);
            }
            if (n >= 0) {
                return (int) n;
            }
            if (Libc.errno(capture) != EINTR) {
                throw Libc.failure("read", capture);
            }
        }
    }

    /**
     * Whether the client has sent anything, without waiting or consuming it: 1 when a byte is there, 0 at
     * end of stream (it closed without a word), -1 when nothing has arrived yet. {@code scratch} takes
     * the peeked byte.
     */
    public int peek(int fd, MemorySegment scratch) {
        return receiveWithoutWaiting(fd, scratch, 1, MSG_PEEK | MSG_DONTWAIT);
    }

    /**
     * Reads up to {@code length} bytes into {@code buffer} without waiting: -1 when none are there yet
     * ({@link #EAGAIN}), 0 at end of stream. Restarted after signals.
     */
    public int receiveNow(int fd, MemorySegment buffer, int length) {
        return receiveWithoutWaiting(fd, buffer, length, MSG_DONTWAIT);
    }

    /** recv with {@code flags} that include MSG_DONTWAIT: bytes read, 0 at end of stream, -1 for EAGAIN. */
    private int receiveWithoutWaiting(int fd, MemorySegment buffer, long length, int flags) {
        while (true) {
            long n;
            try {
                n = (long) Receive.CALL.invokeExact(capture, fd, buffer, length, flags);
            } catch (Throwable t) {
                throw unexpected("recv", t);
            }
            if (n >= 0) {
                return (int) n;
            }
            int errno = Libc.errno(capture);
            if (errno == EAGAIN) {
                return -1;
            }
            if (errno != EINTR) {
                throw Libc.failure("recv", capture);
            }
        }
    }

    /** Writes {@code length} bytes from {@code buffer} at {@code offset}; returns how many went. No SIGPIPE. */
    public int send(int fd, MemorySegment buffer, long offset, int length) {
        return send(fd, buffer, offset, length, MSG_NOSIGNAL);
    }

    /** Like {@link #send(int, MemorySegment, long, int)} but never waits: what does not fit now is not sent. */
    public int sendNow(int fd, MemorySegment buffer, int length) {
        return send(fd, buffer, 0, length, MSG_NOSIGNAL | MSG_DONTWAIT);
    }

    private int send(int fd, MemorySegment buffer, long offset, int length, int flags) {
        while (true) {
            long n;
            try {
                n = (long) Send.CALL.invokeExact(capture, fd, buffer.asSlice(offset), (long) length, flags);
            } catch (Throwable t) {
                throw unexpected("send", t);
            }
            if (n >= 0) {
                return (int) n;
            }
            if (Libc.errno(capture) != EINTR) {
                throw Libc.failure("send", capture);
            }
        }
    }

    public void shutdown(int fd, int how) {
        int result;
        try {
            result = (int) Shutdown.CALL.invokeExact(capture, fd, how);
        } catch (Throwable t) {
            throw unexpected("shutdown", t);
        }
        if (result < 0) {
            throw Libc.failure("shutdown", capture);
        }
    }

    /** Closes {@code fd} ignoring errors: for descriptors being abandoned. */
    public static void closeQuietly(int fd) {
        try {
            int ignored = (int) CloseQuietly.CALL.invokeExact(fd);
        } catch (Throwable ignored) {
            // nothing more to do for it
        }
    }

    /** Shuts {@code fd} down both ways ignoring errors: wakes any thread blocked on it, from any thread. */
    public static void shutdownQuietly(int fd) {
        try {
            int ignored = (int) ShutdownQuietly.CALL.invokeExact(fd, SHUT_RDWR);
        } catch (Throwable ignored) {
            // nothing more to do for it
        }
    }

    /**
     * The calling thread's pthread id, for {@link #signalThread}. A worker's accepting thread records it
     * once, so that another thread can wake it from a blocking accept.
     */
    public static long currentThread() {
        try {
            return (long) PthreadSelf.CALL.invokeExact();
        } catch (Throwable t) {
            throw unexpected("pthread_self", t);
        }
    }

    /** Sends {@code signal} to the thread {@code thread} of this process; false if that failed. */
    public static boolean signalThread(long thread, int signal) {
        try {
            return (int) PthreadKill.CALL.invokeExact(thread, signal) == 0; // returns the error number, 0 on success
        } catch (Throwable t) {
            throw unexpected("pthread_kill", t);
        }
    }

    /** What a downcall that threw (it never should) becomes; for the other call groups of this package too. */
    static IllegalStateException unexpected(String call, Throwable t) {
        if (t instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(call + ": native call failed", t);
    }

    private static final class Accept {
        static final MethodHandle CALL = Libc.errnoCall("accept4",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    }

    private static final class Socket {
        static final MethodHandle CALL = Libc.errnoCall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private static final class Connect {
        static final MethodHandle CALL = Libc.errnoCall("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static final class SendMessage {
        static final MethodHandle CALL = Libc.errnoCall("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static final class ReceiveMessage {
        static final MethodHandle CALL = Libc.errnoCall("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static final class SetSocketOption {
        static final MethodHandle CALL = Libc.errnoCall("setsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private static final class Read {
        static final MethodHandle CALL = Libc.errnoCall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }

    private static final class Receive {
        static final MethodHandle CALL = Libc.errnoCall("recv",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }

    private static final class Send {
        static final MethodHandle CALL = Libc.errnoCall("send",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }

    private static final class Shutdown {
        static final MethodHandle CALL = Libc.errnoCall("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private static final class PthreadSelf {
        static final MethodHandle CALL = Libc.call("pthread_self", FunctionDescriptor.of(JAVA_LONG));
    }

    private static final class PthreadKill {
        static final MethodHandle CALL = Libc.call("pthread_kill", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    private static final class ShutdownQuietly {
        static final MethodHandle CALL = Libc.call("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private static final class CloseQuietly {
        static final MethodHandle CALL = Libc.call("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }
}
