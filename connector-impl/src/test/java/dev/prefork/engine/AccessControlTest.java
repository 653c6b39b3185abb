package dev.prefork.engine;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Handoff;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Access rules are decided in the worker, before the handoff: clients from other loopback addresses
 * (Linux routes all of 127.0.0.0/8 to lo) are refused without the handler ever running.
 */
class AccessControlTest extends EngineTestSupport {

    /** What a client from {@code source} reads before the server closes, after sending one line. */
    private static String exchangeFrom(String source, int port) throws Exception {
        return readFrom(source, port, "hello\n");
    }

    /**
     * What a refused client from {@code source} reads, sending nothing: a refused client that has sent
     * bytes the worker never read gets a reset when the worker closes, which may overtake the line.
     */
    private static String refusalFor(String source, int port) throws Exception {
        return readFrom(source, port, null);
    }

    private static String readFrom(String source, int port, String send) throws Exception {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(20_000);
            if (send != null) {
                socket.getOutputStream().write(send.getBytes(StandardCharsets.US_ASCII));
                socket.shutdownOutput();
            }
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static long servedCount(PreforkEngine engine) throws EngineException {
        return engine.snapshot().workers().stream().mapToLong(WorkerSnapshot::served).sum();
    }

    @ParameterizedTest
    @EnumSource(value = Handoff.class, names = {"DESCRIPTOR", "RELAY"})
    void netServerRulesDecideBeforeTheHandlerRuns(Handoff handoff) throws Exception {
        AtomicInteger handled = new AtomicInteger();
        PreforkEngine engine = start(config(2).handoff(handoff)
                        .set(EngineConfig.ALLOW, "127\\.0\\.0\\.\\d+")
                        .set(EngineConfig.DENY, "127\\.0\\.0\\.2")
                        .set(EngineConfig.CIDR_DENY, "127.0.0.3/32")
                        .set(EngineConfig.DENY_MESSAGE, "refused by the access rules"),
                connection -> {
                    handled.incrementAndGet();
                    connection.getOutputStream().write(("served " + connection.getReader().readLine() + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                });
        int port = engine.boundPort(0);

        assertEquals("served hello\n", exchangeFrom("127.0.0.1", port));
        assertEquals("refused by the access rules\n", refusalFor("127.0.0.2", port), "deny beats allow");
        assertEquals("refused by the access rules\n", refusalFor("127.0.0.3", port), "cidr_deny beats allow");
        assertEquals("served hello\n", exchangeFrom("127.0.0.4", port));
        for (int i = 0; i < 50; i++) {
            assertEquals("refused by the access rules\n", refusalFor("127.0.0.2", port));
        }
        assertEquals(2, handled.get(), "a refused client never reaches the handler");
        // The scoreboard counts a connection once the worker hears it is done, just after the client saw
        // its end: poll (it announces nothing), bounded.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (servedCount(engine) < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(2, servedCount(engine), "refused clients do not count towards max_requests");
    }

    @ParameterizedTest
    @EnumSource(value = Handoff.class, names = {"DESCRIPTOR", "RELAY"})
    void netDaemonClientsListWithoutAMessageJustCloses(Handoff handoff) throws Exception {
        PreforkEngine engine = start(config(1).handoff(handoff)
                .set(EngineConfig.CLIENTS, "deny:^127\\.0\\.0\\.5$ accept:^127\\."));
        int port = engine.boundPort(0);
        assertEquals("hello\n", exchangeFrom("127.0.0.1", port));
        assertEquals("", refusalFor("127.0.0.5", port));
        assertEquals("hello\n", exchangeFrom("127.0.0.6", port));
    }
}
