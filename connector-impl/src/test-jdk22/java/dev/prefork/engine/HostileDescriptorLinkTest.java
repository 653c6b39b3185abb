package dev.prefork.engine;

import dev.prefork.bridge.BridgeHeader;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.posix.PosixException;
import dev.prefork.posix.SocketCalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9, fault 2: the descriptor bridge under hostile local peers. Links are bounded by the pool's
 * size, a link that never says hello is closed after a while, and a descriptor that arrives with an
 * invalid message is closed, not held. With {@code descriptor_transfer message}, whose links are
 * {@code SOCK_SEQPACKET}; {@link HostilePidfdLinkTest} does the same for pidfd's stream links.
 */
class HostileDescriptorLinkTest extends EngineTestSupport {
    /** What PreforkEngine allows for max_servers 2 on one port: (2 * 2 + 2) + 16. */
    private static final int LINK_BOUND = 22;
    /** HandoffLink's override of its hello deadline. */
    private static final String HELLO_TIMEOUT_PROPERTY = "prefork.handoff.helloTimeoutMillis";

    private static long linkThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("prefork-link-test-")).count();
    }

    /** Whether the bridge closed {@code link}: a receive within 50 ms sees end of stream (an open link costs a pass that long). */
    private static boolean closedByTheBridge(SocketCalls calls, int link, MemorySegment buffer) {
        calls.receiveTimeout(link, 50);
        try {
            return calls.receive(link, buffer).length() == 0;
        } catch (PosixException e) {
            return e.errno() != SocketCalls.EAGAIN;
        }
    }

    @Test
    void idleLinksAreBoundedAndTimedOut() throws Exception {
        PreforkEngine engine = start(config(2).set(EngineConfig.DESCRIPTOR_TRANSFER, "message"));
        String bridge = runtimeDirectoryOf(engine).resolve("bridge.sock").toString();
        // A worker opens its bridge link just after its hello to the supervisor: let both links be in first.
        assertTrue(Processes.eventually(Duration.ofSeconds(10), () -> linkThreads() == 2), "the workers' links are up");
        // The workers have said hello; links opened from here on get a 3 s deadline instead of 30 s.
        String helloTimeoutBefore = System.setProperty(HELLO_TIMEOUT_PROPERTY, "3000");
        List<Integer> idle = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            SocketCalls calls = new SocketCalls(arena);
            MemorySegment buffer = arena.allocate(BridgeHeader.MAX_LENGTH + 4);
            try {
                for (int i = 0; i < 40; i++) {
                    idle.add(calls.connectLink(bridge));
                }
                // 2 worker links and 20 of ours fit; the other 18 are closed at once.
                assertTrue(Processes.eventually(Duration.ofSeconds(10),
                        () -> idle.stream().filter(link -> closedByTheBridge(calls, link, buffer)).count() >= 40 - (LINK_BOUND - 2)),
                        "links past the pool's bound are closed");
                assertTrue(linkThreads() <= LINK_BOUND, "link threads are bounded: " + linkThreads());
                assertEquals("served", LineClient.echoOnce(engine.boundPort(0), "served"));

                // The ones let in say nothing: they are closed at their hello deadline, and their threads end.
                assertTrue(Processes.eventually(Duration.ofSeconds(30), // the hello deadline is 3 s here
                        () -> idle.stream().allMatch(link -> closedByTheBridge(calls, link, buffer))),
                        "links that never said hello are closed");
                assertTrue(Processes.eventually(Duration.ofSeconds(10), () -> linkThreads() == 2),
                        "only the workers' links keep a thread: " + linkThreads());
                assertEquals("still served", LineClient.echoOnce(engine.boundPort(0), "still served"));
            } finally {
                idle.forEach(SocketCalls::closeQuietly);
                if (helloTimeoutBefore == null) {
                    System.clearProperty(HELLO_TIMEOUT_PROPERTY);
                } else {
                    System.setProperty(HELLO_TIMEOUT_PROPERTY, helloTimeoutBefore);
                }
            }
        }
    }

    @Test
    void aDescriptorWithAnInvalidMessageIsClosed(@TempDir Path dir) throws Exception {
        PreforkEngine engine = start(config(2).set(EngineConfig.DESCRIPTOR_TRANSFER, "message"));
        String bridge = runtimeDirectoryOf(engine).resolve("bridge.sock").toString();
        byte[] secret = BridgeHeader.parseSecret(workerEnvironment(engine, "PREFORK_SECRET"));
        Path probe = Files.createFile(dir.resolve("passed-descriptor-probe"));
        try (Arena arena = Arena.ofConfined()) {
            SocketCalls calls = new SocketCalls(arena);
            MemorySegment payload = arena.allocate(BridgeHeader.MAX_LENGTH + 4);
            ByteBuffer hello = ByteBuffer.allocate(BridgeHeader.MAX_LENGTH + 4);
            new BridgeHeader(secret, 1, 0, 0, 0, 0, "unix:", "127.0.0.1:1").encodeTo(hello);
            ByteBuffer badAddress = ByteBuffer.allocate(BridgeHeader.MAX_LENGTH + 4);
            new BridgeHeader(secret, 1, 0, 1, 0, 0, "999.1.1.1:1", "127.0.0.1:1").encodeTo(badAddress);
            List<ByteBuffer[]> conversations = List.of(
                    new ByteBuffer[] {ByteBuffer.allocate(0)},               // an empty first message with a descriptor
                    new ByteBuffer[] {hello.duplicate(), ByteBuffer.allocate(0)}, // the same after a valid hello
                    new ByteBuffer[] {hello.duplicate(), badAddress.duplicate()}, // a client with an address that does not parse
                    new ByteBuffer[] {ByteBuffer.wrap(new byte[] {1, 2, 3})}); // garbage
            for (ByteBuffer[] messages : conversations) {
                int link = calls.connectLink(bridge);
                try (FileChannel file = FileChannel.open(probe, StandardOpenOption.READ)) {
                    int fd = descriptorOf(probe);
                    for (int i = 0; i < messages.length; i++) {
                        calls.send(link, payload, messages[i], i == messages.length - 1 ? fd : -1);
                    }
                }
                assertTrue(Processes.eventually(Duration.ofSeconds(10), () -> !holds(probe)),
                        "the bridge closed the descriptor it was passed with an invalid message");
                SocketCalls.closeQuietly(link);
            }
        }
        assertEquals("served", LineClient.echoOnce(engine.boundPort(0), "served"));
    }

    /** Our descriptor of {@code file} (opened just before): the one /proc/self/fd shows for it. */
    private static int descriptorOf(Path file) throws Exception {
        for (String target : Processes.descriptorTargets(ProcessHandle.current().pid())) {
            if (target.endsWith("=" + file)) {
                return Integer.parseInt(target.substring(0, target.indexOf('=')));
            }
        }
        throw new AssertionError("no descriptor of " + file);
    }

    private static boolean holds(Path file) {
        try {
            return Processes.descriptorTargets(ProcessHandle.current().pid()).stream().anyMatch(t -> t.endsWith("=" + file));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
