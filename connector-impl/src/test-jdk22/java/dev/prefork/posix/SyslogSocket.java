package dev.prefork.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A test's stand-in for /dev/log: a UNIX datagram socket bound at a path, whose datagrams the test reads
 * one at a time with a time limit. The JDK cannot bind one (DatagramChannel refuses the UNIX family).
 */
public final class SyslogSocket implements AutoCloseable {
    private static final int EAGAIN = 11;
    private static final MethodHandle RECV = Libc.errnoCall("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    private final Arena arena = Arena.ofShared();
    private final SocketCalls calls = new SocketCalls(arena);
    private final Path path;
    private final int fd;
    private final MemorySegment buffer = arena.allocate(65536);

    public SyslogSocket(Path path) {
        this.path = path;
        this.fd = LauncherCalls.datagramSocket();
        try (Arena call = Arena.ofConfined()) {
            Posix.bind(fd, SocketCalls.unixAddress(call, path.toString()));
        }
    }

    /** The next datagram as text, or null when none comes within {@code millis}. */
    public synchronized String receive(long millis) {
        calls.receiveTimeout(fd, millis);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment capture = call.allocate(Libc.CAPTURE_LAYOUT);
            long length = (long) RECV.invokeExact(capture, fd, buffer, buffer.byteSize(), 0);
            if (length < 0) {
                int errno = Libc.errno(capture);
                if (errno == EAGAIN || errno == Posix.EINTR) {
                    return null;
                }
                throw Libc.failure("recv", capture);
            }
            return new String(buffer.asSlice(0, length).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("recv failed", t);
        }
    }

    @Override
    public void close() throws Exception {
        Posix.close(fd);
        Files.deleteIfExists(path);
        arena.close();
    }
}
