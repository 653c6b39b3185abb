package dev.prefork.engine;

import dev.prefork.bridge.BridgeHeader;
import dev.prefork.engine.config.Handoff;
import dev.prefork.engine.protocol.BoundedReads;
import dev.prefork.engine.protocol.RecordingResolverProvider;
import org.junit.jupiter.api.Test;

import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9, fault 3: the relay bridge under hostile local peers. A header with a malformed client
 * address is dropped (no dead thread, no leaked socket), an address that is not numeric never reaches
 * a name resolver, and connections that never send a header hold no handler thread.
 */
class HostileRelayTest extends EngineTestSupport {

    @Test
    void idleBridgeConnectionsDoNotTakeTheHandlerThreads() throws Exception {
        PreforkEngine engine = start(config(2).handoff(Handoff.RELAY));
        UnixDomainSocketAddress bridge = UnixDomainSocketAddress.of(runtimeDirectoryOf(engine).resolve("bridge.sock"));
        List<SocketChannel> idle = new ArrayList<>();
        try {
            // The engine's own executor has 2 * max_servers + 8 = 12 threads: take more than all of them.
            for (int i = 0; i < 30; i++) {
                idle.add(SocketChannel.open(bridge));
            }
            for (int i = 0; i < 5; i++) {
                assertEquals("served " + i, LineClient.echoOnce(engine.boundPort(0), "served " + i),
                        "real clients are served while 30 bridge connections say nothing");
            }
        } finally {
            for (SocketChannel channel : idle) {
                channel.close();
            }
        }
    }

    @Test
    void malformedAddressesAreDroppedWithoutALeakOrALookup() throws Exception {
        List<String> served = new CopyOnWriteArrayList<>();
        PreforkEngine engine = start(config(2).handoff(Handoff.RELAY), connection -> {
            served.add(String.valueOf(connection.getPeerAddress()));
            connection.getWriter().println("served");
        });
        UnixDomainSocketAddress bridge = UnixDomainSocketAddress.of(runtimeDirectoryOf(engine).resolve("bridge.sock"));
        byte[] secret = BridgeHeader.parseSecret(workerEnvironment(engine, "PREFORK_SECRET"));
        List<String> hostile = List.of("notaport", "", ":", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:-1",
                "999.1.1.1:1", "bridge-dns-probe.invalid:80", "[::1:80", "[bridge-dns-probe6.invalid]:80",
                "1.2.3:4", "01.2.3.4.5:6", "\u0000:1");
        for (String peer : hostile) {
            try (SocketChannel channel = SocketChannel.open(bridge)) {
                ByteBuffer header = ByteBuffer.allocate(BridgeHeader.MAX_LENGTH + 4);
                new BridgeHeader(secret, 1, 0, 1, 0, 0, peer, "127.0.0.1:1").encodeTo(header);
                channel.write(header);
                assertTrue(BoundedReads.closedByPeerWithin(channel, Duration.ofSeconds(10)),
                        "a header with peer \"" + peer + "\" is dropped and its connection closed");
            }
        }
        assertEquals(List.of(), served, "no handler ran for a malformed header");
        java.net.InetAddress.getByName("localhost"); // from /etc/hosts: proves the recorder is the resolver in use
        assertTrue(RecordingResolverProvider.namesLookedUp().contains("localhost"), "lookups are recorded");
        for (String name : RecordingResolverProvider.namesLookedUp()) {
            assertTrue(!name.contains("999.1.1.1") && !name.contains("dns-probe"),
                    "a host name from a header reached the resolver: " + name);
        }
        // The bridge still serves real clients, with all its threads.
        for (int i = 0; i < 14; i++) {
            assertEquals("served", LineClient.echoOnce(engine.boundPort(0), "x"));
        }
    }
}
