package dev.prefork.engine;

import dev.prefork.bridge.ClientFigures;
import dev.prefork.bridge.ConnectionHandler;
import dev.prefork.bridge.ServedConnection;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Handoff;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * max_wait with real workers: at max_clients a client waits in the controlling JVM for a slot (its worker
 * held back), and after max_wait it reads the busy line and is closed; and max_clients, first_byte_timeout
 * and max_wait change while the pool runs ({@link LiveRetune}), for the connections waiting then too.
 */
class MaxWaitTest extends EngineTestSupport {
    /** Echoes lines until the client closes. */
    private static final ConnectionHandler ECHO = connection -> {
        BufferedReader in = connection.getReader();
        OutputStream out = connection.getOutputStream();
        for (String line; (line = in.readLine()) != null; ) {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    };

    private final List<Socket> sockets = new ArrayList<>();

    private Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(60_000);
        return socket;
    }

    private static String send(Socket socket, String line) throws IOException {
        socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        return reader(socket).readLine();
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Waits (bounded) until the bridge's figures satisfy {@code condition}; they change as clients come and go. */
    private static ClientFigures awaitFigures(PreforkEngine engine, Predicate<ClientFigures> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        ClientFigures figures = engine.clientFigures();
        while (!condition.test(figures) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            figures = engine.clientFigures();
        }
        assertTrue(condition.test(figures), "figures now: " + figures);
        return figures;
    }

    @Test
    void aClientThatWaitsMaxWaitForASlotReadsTheBusyLineAndTheBacklogBehindItToo() throws Exception {
        PreforkEngine engine = start(config(1).handoff(Handoff.DESCRIPTOR).set(EngineConfig.MAX_CLIENTS, "2")
                .set(EngineConfig.MAX_WAIT, "1").set(EngineConfig.BUSY_MESSAGE, "busy: {reason}, come back in a minute"), ECHO);
        int port = engine.boundPort(0);
        try {
            Socket first = connect(port);
            assertEquals("one", send(first, "one"));
            Socket second = connect(port);
            assertEquals("two", send(second, "two"));

            long started = System.nanoTime();
            Socket third = connect(port);
            String answer = send(third, "three");
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(answer != null && answer.startsWith(ServedConnection.BUSY_PREFIX), "the third client read " + answer);
            // busy_message's text, with the reason in it
            assertTrue(answer.endsWith(" connections of " + engine.config().name() + " are in service, come back in a minute"), answer);
            assertEquals(-1, third.getInputStream().read(), "and was closed");
            assertTrue(waited >= 900, "busy after " + waited + " ms, not before max_wait (1 s)");
            assertTrue(waited < 30_000, "busy after " + waited + " ms (max_wait 1 s)");

            // No slot has freed since: the next client from the backlog is answered at once, without its own wait.
            Socket fourth = connect(port);
            String again = send(fourth, "four");
            assertTrue(again != null && again.startsWith(ServedConnection.BUSY_PREFIX), "the fourth client read " + again);
            awaitFigures(engine, f -> f.refusedMaxWait() == 2 && f.waitingSlot() == 0 && f.inService() == 2);

            // A slot frees: the next client is served again.
            first.close();
            // Its handler sees the end and gives the slot back on its own thread: await that, or the fifth
            // client may still find both slots taken (and, since nothing has freed, be answered busy at once).
            awaitFigures(engine, f -> f.inService() == 1);
            Socket fifth = connect(port);
            assertEquals("five", send(fifth, "five"));
            assertEquals("two still", send(second, "two still"), "those in service were never disturbed");
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void clientLimitsChangeWhileThePoolRunsAndApplyToTheConnectionsWaiting() throws Exception {
        EngineConfig started = config(1).handoff(Handoff.DESCRIPTOR).set(EngineConfig.MAX_CLIENTS, "1").build();
        PreforkEngine engine = start(started.toBuilder(), ECHO);
        LiveRetune retune = new LiveRetune(engine, started);
        int port = engine.boundPort(0);
        try {
            Socket holder = connect(port);
            assertEquals("hold", send(holder, "hold"));
            Socket waiting = connect(port);
            waiting.getOutputStream().write("waiting\n".getBytes(StandardCharsets.UTF_8));
            awaitFigures(engine, f -> f.waitingSlot() == 1);

            // max_clients up: the waiting client gets the new slot.
            EngineConfig two = started.toBuilder().set(EngineConfig.MAX_CLIENTS, "2").build();
            List<String> lines = retune.apply(two, key -> "test");
            assertTrue(lines.stream().anyMatch(l -> l.contains("max_clients changed from 1 to 2") && l.contains("applied")), lines.toString());
            assertEquals("waiting", reader(waiting).readLine());

            // first_byte_timeout down: a client silent for longer than the new limit is closed at once.
            EngineConfig three = two.toBuilder().set(EngineConfig.MAX_CLIENTS, "3").build();
            retune.apply(three, key -> "test");
            Socket silent = connect(port);
            awaitFigures(engine, f -> f.waitingFirstByte() == 1);
            EngineConfig quick = three.toBuilder().set(EngineConfig.FIRST_BYTE_TIMEOUT, "1").build();
            retune.apply(quick, key -> "test");
            long asked = System.nanoTime();
            assertEquals(-1, silent.getInputStream().read(), "closed unserved");
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked) < 30_000, "well before the old limit (60 s)");
            awaitFigures(engine, f -> f.firstByteTimeouts() == 1 && f.waitingFirstByte() == 0);

            // max_wait on while a client waits for a slot: it reads the busy line.
            EngineConfig one = quick.toBuilder().set(EngineConfig.MAX_CLIENTS, "1").build();
            retune.apply(one, key -> "test");
            Socket late = connect(port);
            late.getOutputStream().write("late\n".getBytes(StandardCharsets.UTF_8));
            awaitFigures(engine, f -> f.waitingSlot() == 1);
            retune.apply(one.toBuilder().set(EngineConfig.MAX_WAIT, "1").build(), key -> "test");
            String answer = reader(late).readLine();
            assertTrue(answer != null && answer.startsWith(ServedConnection.BUSY_PREFIX), "the late client read " + answer);

            // To or from 0 is another bridge: logged as applying at the next start, nothing changes now.
            List<String> zero = retune.apply(one.toBuilder().set(EngineConfig.MAX_CLIENTS, "0").set(EngineConfig.MAX_WAIT, "1")
                    .build(), key -> "test");
            assertTrue(zero.stream().anyMatch(l -> l.contains("max_clients changed from 1 to 0") && l.contains("next start")),
                    zero.toString());
            assertEquals(1, engine.clientFigures().maxClients());
            assertEquals("hold on", send(holder, "hold on"));
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
