package dev.prefork.bridge.handover;

import dev.prefork.bridge.BridgeHeader;
import dev.prefork.bridge.PidfdFrame;
import dev.prefork.engine.protocol.ProcessLog;
import dev.prefork.posix.SocketCalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker's end of {@code descriptor_transfer pidfd} against a bridge played by this test: its hello and
 * frames name the accepted socket's real number, and when the bridge answers "send it instead" (a take that
 * failed at run time) the worker sends the socket in an SCM_RIGHTS message, so that the client is served
 * all the same; the worker keeps its copy until "done".
 */
@Timeout(60)
class PidfdHandoverTest {
    private static final byte[] SECRET = new byte[BridgeHeader.SECRET_LENGTH];

    @Test
    void aClientTheBridgeCannotTakeIsSentInAMessage(@TempDir Path dir) throws Exception {
        UnixDomainSocketAddress bridgeAddress = UnixDomainSocketAddress.of(dir.resolve("bridge.sock"));
        try (Arena arena = Arena.ofConfined();
             ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             ServerSocketChannel bridge = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(bridgeAddress)) {
            HeaderMaker headers = new HeaderMaker(SECRET, 42, 0, 0, 0, "127.0.0.1:1");
            PidfdHandover handover = PidfdHandover.connect(listener, bridgeAddress.getPath().toString(), headers,
                    new ProcessLog("worker", "test"));
            try (SocketChannel link = bridge.accept();
                 SocketChannel client = SocketChannel.open(listener.getLocalAddress())) {
                PidfdFrame.Decoded hello = readFrame(link);
                assertEquals(PidfdFrame.NO_CLIENT, hello.named());
                assertEquals(0, hello.header().connectionNumber());

                SocketChannel accepted = handover.accept();
                int number = ChannelDescriptors.of(accepted);
                CompletableFuture<Boolean> passed = CompletableFuture.supplyAsync(() -> handover.pass(accepted, "127.0.0.1:5", 1));
                PidfdFrame.Decoded frame = readFrame(link);
                assertEquals(number, frame.named(), "the frame names the accepted socket's number");
                assertEquals(1, frame.header().connectionNumber());
                assertEquals(42, frame.header().pid());

                link.write(ByteBuffer.wrap(new byte[] {PidfdFrame.SEND_IT}));
                SocketCalls calls = new SocketCalls(arena);
                MemorySegment one = arena.allocate(1);
                SocketCalls.Received sent = calls.receive(ChannelDescriptors.of(link), one);
                assertEquals(1, sent.length());
                assertTrue(sent.descriptor() >= 0, "the socket came in the message");
                try {
                    byte[] line = "sent instead\n".getBytes(StandardCharsets.US_ASCII);
                    calls.send(sent.descriptor(), arena.allocate(line.length).copyFrom(MemorySegment.ofArray(line)), 0, line.length);
                } finally {
                    SocketCalls.closeQuietly(sent.descriptor());
                }
                ByteBuffer got = ByteBuffer.allocate(13);
                while (got.hasRemaining() && client.read(got) >= 0) {
                    // until the line is in
                }
                assertArrayEquals("sent instead\n".getBytes(StandardCharsets.US_ASCII), got.array());
                assertTrue(!passed.isDone(), "the worker waits for done");
                link.write(ByteBuffer.wrap(new byte[] {0}));
                assertTrue(passed.get(10, TimeUnit.SECONDS), "done: the worker goes on");
                assertTrue(!accepted.isOpen(), "the worker closed its copy once done");
                assertEquals(-1, client.read(ByteBuffer.allocate(1)), "nobody holds the client any more");
                assertEquals(0, one.get(JAVA_BYTE, 0) - PidfdFrame.SEND_IT, "the message's byte");
            }
        }
    }

    private static PidfdFrame.Decoded readFrame(SocketChannel link) throws IOException {
        ByteBuffer prefix = ByteBuffer.allocate(PidfdFrame.PREFIX_LENGTH);
        readFully(link, prefix);
        ByteBuffer frame = ByteBuffer.allocate(PidfdFrame.PREFIX_LENGTH + prefix.getInt(4));
        frame.put(prefix.flip());
        readFully(link, frame);
        return PidfdFrame.decode(frame.flip());
    }

    private static void readFully(SocketChannel link, ByteBuffer into) throws IOException {
        while (into.hasRemaining()) {
            if (link.read(into) < 0) {
                throw new IOException("the link ended");
            }
        }
    }
}
