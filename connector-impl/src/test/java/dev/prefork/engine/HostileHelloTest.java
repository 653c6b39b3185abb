package dev.prefork.engine;

import dev.prefork.engine.protocol.BoundedReads;
import org.junit.jupiter.api.Test;

import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9, fault 1: connections to the supervisor's hello socket that send nothing, half a hello or
 * nonsense must cost only themselves: the hellos of real workers keep being read, so a replaced worker
 * becomes ready and the pool stays whole.
 */
class HostileHelloTest extends EngineTestSupport {

    @Test
    void silentAndBadHellosDoNotHoldUpTheWorkersOnes() throws Exception {
        PreforkEngine engine = start(config(2));
        UnixDomainSocketAddress helloSocket = UnixDomainSocketAddress.of(runtimeDirectoryOf(engine).resolve("supervisor.sock"));
        List<SocketChannel> hostile = new ArrayList<>();
        try {
            hostile.add(SocketChannel.open(helloSocket)); // says nothing at all
            SocketChannel half = SocketChannel.open(helloSocket);
            hostile.add(half);
            half.write(ByteBuffer.wrap("hello 12".getBytes(StandardCharsets.US_ASCII))); // and never the newline
            SocketChannel nonsense = SocketChannel.open(helloSocket);
            hostile.add(nonsense);
            nonsense.write(ByteBuffer.wrap("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            SocketChannel tooLong = SocketChannel.open(helloSocket);
            hostile.add(tooLong);
            tooLong.write(ByteBuffer.wrap(new byte[200]));

            // A new worker must now get its hello through for the pool to be whole again.
            long victim = Processes.children(engine.supervisorPid()).get(0);
            ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
            assertTrue(Processes.eventually(Duration.ofSeconds(20), () -> {
                List<Long> now = Processes.children(engine.supervisorPid());
                return now.size() == 2 && !now.contains(victim);
            }), "a replacement was spawned");
            assertTrue(Processes.eventually(Duration.ofSeconds(20), () -> engine.acceptingWorkers() == 2),
                    "the replacement's hello was read although other connections hold back theirs");
            assertEquals("whole", LineClient.echoOnce(engine.boundPort(0), "whole"));

            // The nonsense and the over-long hello are closed at once: read() sees end of stream.
            for (SocketChannel bad : List.of(nonsense, tooLong)) {
                assertTrue(BoundedReads.closedByPeerWithin(bad, Duration.ofSeconds(10)), "a bad hello is closed by the supervisor");
            }
        } finally {
            for (SocketChannel channel : hostile) {
                channel.close();
            }
        }
    }
}
