package dev.prefork.engine.protocol;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gate that reads first messages: deadlines, limits, the bound on waiting peers, nothing read past a message. */
@Timeout(60)
class FirstMessageGateTest {
    /** Messages are lines of at most 16 bytes. */
    private static final FirstMessageGate.Framing LINE = new FirstMessageGate.Framing() {
        @Override
        public int maxLength() {
            return 16;
        }

        @Override
        public int lengthSoFar(ByteBuffer soFar) throws IOException {
            int count = soFar.limit();
            if (count > 0 && soFar.get(count - 1) == '\n') {
                return count;
            }
            if (count >= 16) {
                throw new IOException("line too long");
            }
            return count + 1;
        }
    };

    @TempDir
    Path dir;
    private ServerSocketChannel server;
    private FirstMessageGate gate;
    private Thread gateThread;
    private final BlockingQueue<String> delivered = new ArrayBlockingQueue<>(100);
    private final BlockingQueue<SocketChannel> deliveredChannels = new ArrayBlockingQueue<>(100);
    private final BlockingQueue<String> complaints = new ArrayBlockingQueue<>(100);
    private final List<SocketChannel> clients = new ArrayList<>();

    @BeforeEach
    void openGate() throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("gate.sock")));
        gate = new FirstMessageGate(server, LINE, 300, TimeUnit.MILLISECONDS, 3, (channel, message) -> {
            delivered.add(StandardCharsets.US_ASCII.decode(message).toString());
            deliveredChannels.add(channel);
        }, complaints::add);
        gateThread = new Thread(gate, "gate");
        gateThread.start();
    }

    @AfterEach
    void closeGate() throws Exception {
        gate.stop();
        gateThread.join(5_000);
        server.close();
        for (SocketChannel channel : clients) {
            channel.close();
        }
        for (SocketChannel channel : deliveredChannels) {
            channel.close();
        }
        assertTrue(!gateThread.isAlive(), "the gate's thread ended");
    }

    private SocketChannel connect() throws IOException {
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("gate.sock")));
        clients.add(channel);
        return channel;
    }

    private static void write(SocketChannel channel, String text) throws IOException {
        channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
    }

    /** End of stream (or a reset) within the time the gate takes to drop a silent peer, and more. */
    private static boolean closedByTheGate(SocketChannel channel) throws Exception {
        return BoundedReads.closedByPeerWithin(channel, java.time.Duration.ofSeconds(10));
    }

    @Test
    void aSilentPeerDoesNotHoldUpOthersAndIsDroppedAtItsDeadline() throws Exception {
        SocketChannel silent = connect();
        SocketChannel real = connect();
        write(real, "hello\nREST");

        assertEquals("hello\n", delivered.poll(10, TimeUnit.SECONDS), "delivered while a silent peer waits");
        SocketChannel served = deliveredChannels.take();
        assertTrue(served.isBlocking(), "handed over in blocking mode");
        ByteBuffer rest = ByteBuffer.allocate(4);
        while (rest.hasRemaining()) {
            served.read(rest);
        }
        assertEquals("REST", new String(rest.array(), StandardCharsets.US_ASCII), "nothing past the message was read");

        assertTrue(closedByTheGate(silent), "the silent peer is closed after its deadline");
        String complaint = complaints.poll(10, TimeUnit.SECONDS);
        assertNotNull(complaint);
        assertTrue(complaint.contains("no complete first message within 300 ms"), complaint);
    }

    @Test
    void tooLongAndTruncatedMessagesAreDroppedAndReported() throws Exception {
        SocketChannel tooLong = connect();
        write(tooLong, "x".repeat(40));
        assertTrue(closedByTheGate(tooLong));
        assertTrue(complaints.poll(10, TimeUnit.SECONDS).contains("line too long"));

        SocketChannel truncated = connect();
        write(truncated, "hel");
        truncated.shutdownOutput();
        assertTrue(closedByTheGate(truncated));
        assertEquals(0, gate.pendingCount());
    }

    @Test
    void atTheBoundTheLongestWaitingPeerMakesRoom() throws Exception {
        SocketChannel oldest = connect();
        for (int i = 0; i < 2; i++) {
            connect();
        }
        // The fourth connection goes past the bound of 3: the oldest is dropped, the newcomer served.
        SocketChannel newcomer = connect();
        write(newcomer, "late\n");
        assertEquals("late\n", delivered.poll(10, TimeUnit.SECONDS));
        assertTrue(closedByTheGate(oldest));
        assertTrue(gate.pendingCount() <= 3);
    }

    @Test
    void aFloodOfBadPeersIsLoggedThrottledWithACount() throws Exception {
        for (int i = 0; i < 20; i++) {
            SocketChannel bad = connect();
            write(bad, "y".repeat(20));
            assertTrue(closedByTheGate(bad));
        }
        // One line at once, the next one (if any) not before 10 s: 19 were held back and counted for it.
        assertEquals(1, complaints.size(), String.valueOf(complaints));
    }
}
