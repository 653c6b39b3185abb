package dev.prefork.supervisor;

import dev.prefork.engine.config.PortSpec;
import dev.prefork.posix.Posix;
import dev.prefork.posix.PosixException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One listening socket, made with the system calls themselves so that its descriptor number is known
 * and can be handed to every worker as its standard input. Close-on-exec, like everything the
 * supervisor opens; the spawn puts it on fd 0 of each worker explicitly. Public for the program
 * keeper ({@code dev.prefork.keeper}), which hands it to programs the same way.
 */
public final class ListeningSocket implements AutoCloseable {
    private static final ValueLayout.OfShort NET_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final PortSpec spec;
    private final int fd;
    private final String boundAddress;
    private boolean closed;

    private ListeningSocket(PortSpec spec, int fd, String boundAddress) {
        this.spec = spec;
        this.fd = fd;
        this.boundAddress = boundAddress;
    }

    public int fd() {
        return fd;
    }

    /** What was really bound: {@code host:port} with the kernel's port for port 0, or {@code unix:/path}. */
    public String boundAddress() {
        return boundAddress;
    }

    PortSpec spec() {
        return spec;
    }

    /** Binds and listens; an {@link IOException} whose message names the port, the reason and what to do. */
    public static ListeningSocket open(PortSpec spec, int backlog) throws IOException {
        try {
            if (spec.isUnix()) {
                return openUnix(spec, backlog);
            }
            return openInet(spec, backlog);
        } catch (PosixException e) {
            throw new IOException("port " + spec + ": " + e.getMessage() + advice(e), e);
        }
    }

    private static String advice(PosixException e) {
        return switch (e.errno()) {
            case 98 -> "; another process listens there: stop it or choose another port";
            case 13 -> "; ports below 1024 need privileges: choose a port of 1024 or more";
            case 99 -> "; that address is not on this machine: choose one that is, or * for all";
            default -> "";
        };
    }

    private static ListeningSocket openInet(PortSpec spec, int backlog) throws IOException {
        InetAddress address;
        boolean any = PortSpec.ANY_HOST.equals(spec.host());
        try {
            address = any ? null : InetAddress.getByName(spec.host());
        } catch (UnknownHostException e) {
            throw new IOException("port " + spec + ": unknown host " + spec.host() + "; use an address or a name this machine resolves", e);
        }
        boolean v6 = any || address instanceof Inet6Address;
        int fd;
        try {
            fd = Posix.socket(v6 ? Posix.AF_INET6 : Posix.AF_INET, Posix.SOCK_STREAM | Posix.SOCK_CLOEXEC);
        } catch (PosixException e) {
            if (!any || e.errno() != Posix.EAFNOSUPPORT) {
                throw e;
            }
            v6 = false; // no IPv6 here: "*" means every IPv4 address
            fd = Posix.socket(Posix.AF_INET, Posix.SOCK_STREAM | Posix.SOCK_CLOEXEC);
        }
        try (Arena arena = Arena.ofConfined()) {
            Posix.setIntOption(fd, Posix.SOL_SOCKET, Posix.SO_REUSEADDR, 1);
            MemorySegment sockaddr;
            if (v6) {
                if (any) {
                    Posix.setIntOption(fd, Posix.IPPROTO_IPV6, Posix.IPV6_V6ONLY, 0);
                }
                sockaddr = arena.allocate(28);
                sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) Posix.AF_INET6);
                sockaddr.set(NET_SHORT, 2, (short) spec.port());
                if (!any) {
                    MemorySegment.copy(address.getAddress(), 0, sockaddr, ValueLayout.JAVA_BYTE, 8, 16);
                    sockaddr.set(ValueLayout.JAVA_INT, 24, ((Inet6Address) address).getScopeId());
                }
            } else {
                sockaddr = arena.allocate(16);
                sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) Posix.AF_INET);
                sockaddr.set(NET_SHORT, 2, (short) spec.port());
                if (address instanceof Inet4Address v4) {
                    MemorySegment.copy(v4.getAddress(), 0, sockaddr, ValueLayout.JAVA_BYTE, 4, 4);
                }
            }
            Posix.bind(fd, sockaddr);
            Posix.listen(fd, backlog);
            Posix.getsockname(fd, sockaddr);
            int port = Short.toUnsignedInt(sockaddr.get(NET_SHORT, 2));
            String host = any ? "*" : address.getHostAddress();
            String shown = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            return new ListeningSocket(spec, fd, shown + ":" + port);
        } catch (PosixException e) {
            Posix.close(fd);
            throw e;
        }
    }

    private static ListeningSocket openUnix(PortSpec spec, int backlog) throws IOException {
        Path path = Path.of(spec.unixPath());
        if (Files.exists(path) && !Files.isDirectory(path)) {
            // A socket file left by a process that died; refuse to remove anything that is not a socket.
            if (!isSocket(path)) {
                throw new IOException("port " + spec + ": " + path + " exists and is not a socket; remove it or choose another path");
            }
            Files.delete(path);
        }
        int fd = Posix.socket(Posix.AF_UNIX, Posix.SOCK_STREAM | Posix.SOCK_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sockaddr = arena.allocate(110);
            sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) Posix.AF_UNIX);
            byte[] bytes = spec.unixPath().getBytes(StandardCharsets.UTF_8);
            MemorySegment.copy(bytes, 0, sockaddr, ValueLayout.JAVA_BYTE, 2, bytes.length);
            Posix.bind(fd, sockaddr);
            Posix.listen(fd, backlog);
            return new ListeningSocket(spec, fd, "unix:" + spec.unixPath());
        } catch (PosixException e) {
            Posix.close(fd);
            throw e;
        }
    }

    private static boolean isSocket(Path path) {
        try {
            Object mode = Files.getAttribute(path, "unix:mode");
            return mode instanceof Integer m && (m & 0170000) == 0140000;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Posix.close(fd);
        if (spec.isUnix()) {
            try {
                Files.deleteIfExists(Path.of(spec.unixPath()));
            } catch (IOException ignored) {
                // best effort: a later bind removes a stale socket file
            }
        }
    }
}
