package dev.prefork.engine;

import dev.prefork.bridge.BridgeHeader;
import dev.prefork.bridge.PidfdFrame;
import dev.prefork.bridge.handover.ChannelDescriptors;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.posix.PosixException;
import dev.prefork.posix.SocketCalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code descriptor_transfer pidfd} under hostile or broken peers on the bridge socket, played by this test
 * JVM (the bridge then takes descriptors from this very process): every number a peer names that is not a
 * client socket (not open, a file, the link itself, a listening socket, an unnamed Unix socket) costs that
 * one message: the bridge answers "send it instead" and keeps nothing of it; the same message followed by
 * a real client socket in an SCM_RIGHTS message gets that client served (the fallback a worker uses when a
 * take fails at run time); garbage, early ends and silence cost the link, never a thread or a descriptor.
 */
class HostilePidfdLinkTest extends EngineTestSupport {
    private static final String HELLO_TIMEOUT_PROPERTY = "prefork.handoff.helloTimeoutMillis";
    private static final int NOT_OPEN = 1_000_000;

    private static long linkThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("prefork-link-test-")).count();
    }

    @Test
    void everyBadNumberCostsItsMessageAndTheFallbackServes(@TempDir Path dir) throws Exception {
        PreforkEngine engine = start(config(2).set(EngineConfig.DESCRIPTOR_TRANSFER, "pidfd"));
        assertEquals("pidfd", workerEnvironment(engine, "PREFORK_DESCRIPTOR_TRANSFER"));
        UnixDomainSocketAddress bridge = UnixDomainSocketAddress.of(runtimeDirectoryOf(engine).resolve("bridge.sock"));
        byte[] secret = BridgeHeader.parseSecret(workerEnvironment(engine, "PREFORK_SECRET"));
        assertTrue(Processes.eventually(Duration.ofSeconds(10), () -> linkThreads() == 2), "the workers' links are up");
        Path probe = Files.createFile(dir.resolve("named-descriptor-probe"));
        try (Arena arena = Arena.ofConfined();
             FileChannel file = FileChannel.open(probe, StandardOpenOption.READ);
             ServerSocketChannel listening = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel unnamed = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            SocketCalls calls = new SocketCalls(arena);
            int[] badNumbers = {NOT_OPEN, descriptorOf(probe), -2, ChannelDescriptors.of(listening), ChannelDescriptors.of(unnamed)};
            for (int bad : badNumbers) {
                try (SocketChannel link = SocketChannel.open(bridge)) {
                    write(link, frame(secret, PidfdFrame.NO_CLIENT, 0));
                    int named = bad == -2 ? ChannelDescriptors.of(link) : bad; // -2 stands for the link itself
                    write(link, frame(secret, named, 1));
                    assertEquals(PidfdFrame.SEND_IT, answer(calls, link, arena), "asked to send descriptor " + named + " instead");
                }
            }
            assertTrue(Processes.eventually(Duration.ofSeconds(10), () -> holdings(probe) == 1),
                    "the file taken by its number was closed again: " + holdings(probe) + " descriptors of it");

            // The fallback: a number that cannot be taken, then the client itself in an SCM_RIGHTS message.
            // And the ordinary path: the client's real number.
            for (boolean byMessage : new boolean[] {true, false}) {
                try (SocketChannel link = SocketChannel.open(bridge);
                     SocketChannel client = SocketChannel.open(listening.getLocalAddress());
                     SocketChannel accepted = listening.accept()) {
                    write(link, frame(secret, PidfdFrame.NO_CLIENT, 0));
                    write(link, frame(secret, byMessage ? NOT_OPEN : ChannelDescriptors.of(accepted), 1));
                    if (byMessage) {
                        assertEquals(PidfdFrame.SEND_IT, answer(calls, link, arena));
                        calls.send(ChannelDescriptors.of(link), arena.allocate(1), ByteBuffer.wrap(new byte[] {PidfdFrame.SEND_IT}),
                                ChannelDescriptors.of(accepted));
                        accepted.close(); // in flight now: the bridge gets its own descriptor
                    }
                    write(client, ByteBuffer.wrap("by number or message\n".getBytes(StandardCharsets.US_ASCII)));
                    ByteBuffer echoed = ByteBuffer.allocate(64);
                    while (echoed.position() == 0 || echoed.get(echoed.position() - 1) != '\n') {
                        assertTrue(client.read(echoed) >= 0, "the echo came back");
                    }
                    assertEquals("by number or message\n", new String(echoed.array(), 0, echoed.position(), StandardCharsets.US_ASCII));
                    client.close();
                    assertTrue(answer(calls, link, arena) != PidfdFrame.SEND_IT, "done");
                }
            }

            // Garbage and early ends cost the link.
            byte[][] garbage = {
                    ByteBuffer.allocate(8).putInt(-7).putInt(100).array(),         // a negative number
                    ByteBuffer.allocate(8).putInt(3).putInt(5000).array(),         // a header too long
                    {1, 2, 3},                                                     // a frame cut off, then the end
                    frame(secret, PidfdFrame.NO_CLIENT, 0).array()};               // a hello, then the end
            for (byte[] bytes : garbage) {
                try (SocketChannel link = SocketChannel.open(bridge)) {
                    write(link, ByteBuffer.wrap(bytes));
                    link.shutdownOutput();
                    assertEquals(-1, answer(calls, link, arena), "the bridge closed the link");
                }
            }
        }
        // A silent link is closed at its hello deadline.
        String before = System.setProperty(HELLO_TIMEOUT_PROPERTY, "500");
        try (Arena arena = Arena.ofConfined(); SocketChannel silent = SocketChannel.open(bridge)) {
            assertEquals(-1, answer(new SocketCalls(arena), silent, arena), "a silent link is closed");
        } finally {
            if (before == null) {
                System.clearProperty(HELLO_TIMEOUT_PROPERTY);
            } else {
                System.setProperty(HELLO_TIMEOUT_PROPERTY, before);
            }
        }
        assertTrue(Processes.eventually(Duration.ofSeconds(10), () -> linkThreads() == 2),
                "only the workers' links keep a thread: " + linkThreads());
        assertEquals("still served", LineClient.echoOnce(engine.boundPort(0), "still served"));
    }

    /** A frame as a worker sends it: {@code named}, then a bridge header for connection {@code number}. */
    private static ByteBuffer frame(byte[] secret, int named, long number) {
        ByteBuffer header = ByteBuffer.allocate(BridgeHeader.MAX_LENGTH + 4);
        new BridgeHeader(secret, 1, 0, number, 0, 0, number == 0 ? "unix:" : "127.0.0.1:5", "127.0.0.1:1").encodeTo(header);
        ByteBuffer frame = ByteBuffer.allocate(4 + header.remaining());
        frame.putInt(named).put(header).flip();
        return frame;
    }

    private static void write(SocketChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /** The bridge's next byte on {@code link} within 10 s (the same wait a hello deadline of 500 ms needs); -1 at its end. */
    private static int answer(SocketCalls calls, SocketChannel link, Arena arena) {
        int fd = ChannelDescriptors.of(link);
        MemorySegment one = arena.allocate(1);
        calls.receiveTimeout(fd, 10_000);
        try {
            return calls.read(fd, one, 1) == 0 ? -1 : one.get(JAVA_BYTE, 0);
        } catch (PosixException e) {
            if (e.errno() == SocketCalls.EAGAIN) {
                throw new AssertionError("no answer from the bridge within 10 s");
            }
            return -1; // reset: the bridge closed it
        }
    }

    /** Our descriptor of {@code file} (opened just before): the one /proc/self/fd shows for it. */
    private static int descriptorOf(Path file) throws IOException {
        for (String target : Processes.descriptorTargets(ProcessHandle.current().pid())) {
            if (target.endsWith("=" + file)) {
                return Integer.parseInt(target.substring(0, target.indexOf('=')));
            }
        }
        throw new AssertionError("no descriptor of " + file);
    }

    private static long holdings(Path file) {
        try {
            return Processes.descriptorTargets(ProcessHandle.current().pid()).stream().filter(t -> t.endsWith("=" + file)).count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
