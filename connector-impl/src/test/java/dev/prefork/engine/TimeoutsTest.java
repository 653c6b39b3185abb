package dev.prefork.engine;

import dev.prefork.bridge.ActiveConnections;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Handoff;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** idle_timeout, the per-connection idle timeout, request_timeout and slow_threshold, with real workers. */
class TimeoutsTest extends EngineTestSupport {
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Logger activeConnectionsLog = Logger.getLogger(ActiveConnections.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        activeConnectionsLog.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        activeConnectionsLog.removeHandler(capture);
    }

    /** One worker; a client that sends nothing still reaches the handler, whose timeouts are under test. */
    private static EngineConfig.Builder silentClientsServed(Handoff handoff) {
        return config(1).handoff(handoff).set(EngineConfig.DELIVER_ON, "accept");
    }

    /** Connects, sends {@code line} unless null, and returns what the server sent until it closed. */
    private static String talk(int port, String line) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            if (line != null) {
                socket.getOutputStream().write(line.getBytes(StandardCharsets.US_ASCII));
            }
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Handoff.class, names = {"DESCRIPTOR", "RELAY"})
    void aReadThatWaitsPastIdleTimeoutFailsAndTheConnectionCloses(Handoff handoff) throws Exception {
        CompletableFuture<Throwable> readFailure = new CompletableFuture<>();
        PreforkEngine engine = start(silentClientsServed(handoff).set(EngineConfig.IDLE_TIMEOUT, "1"), connection -> {
            assertEquals(Duration.ofSeconds(1), connection.getIdleTimeout());
            try {
                connection.getReader().readLine();
                readFailure.complete(null);
            } catch (Exception e) {
                readFailure.complete(e);
            }
        });
        long started = System.nanoTime();
        assertEquals("", talk(engine.boundPort(0), null), "a silent client is closed");
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertInstanceOf(SocketTimeoutException.class, readFailure.get(10, TimeUnit.SECONDS));
        assertTrue(tookMillis >= 900 && tookMillis < 10_000, "closed after about a second: " + tookMillis + " ms");
        assertTrue(logged.stream().anyMatch(m -> m.contains("(idle_timeout)")), logged.toString());
    }

    @ParameterizedTest
    @EnumSource(value = Handoff.class, names = {"DESCRIPTOR", "RELAY"})
    void aHandlerSetsItsOwnIdleTimeoutAndAClientThatTalksIsNotCutOff(Handoff handoff) throws Exception {
        CompletableFuture<Throwable> secondRead = new CompletableFuture<>();
        PreforkEngine engine = start(config(1).handoff(handoff).set(EngineConfig.IDLE_TIMEOUT, "0"), connection -> {
            assertEquals(Duration.ZERO, connection.getIdleTimeout());
            String first = connection.getReader().readLine();
            connection.getWriter().println("got " + first);
            connection.setIdleTimeout(Duration.ofMillis(300));
            try {
                connection.getReader().readLine();
                secondRead.complete(null);
            } catch (Exception e) {
                secondRead.complete(e);
            }
        });
        assertEquals("got hello\n", talk(engine.boundPort(0), "hello\n"));
        assertInstanceOf(SocketTimeoutException.class, secondRead.get(10, TimeUnit.SECONDS));
    }

    @ParameterizedTest
    @EnumSource(value = Handoff.class, names = {"DESCRIPTOR", "RELAY"})
    void aHandlerPastRequestTimeoutIsLoggedWithItsStackCutOffAndInterrupted(Handoff handoff) throws Exception {
        CompletableFuture<Throwable> interrupted = new CompletableFuture<>();
        PreforkEngine engine = start(silentClientsServed(handoff).set(EngineConfig.REQUEST_TIMEOUT, "1"), connection -> {
            connection.getWriter().println("working");
            try {
                Thread.sleep(60_000);
                interrupted.complete(null);
            } catch (InterruptedException e) {
                interrupted.complete(e);
            }
        });
        assertEquals("working\n", talk(engine.boundPort(0), null), "the client sees the connection end");
        assertInstanceOf(InterruptedException.class, interrupted.get(10, TimeUnit.SECONDS));
        assertTrue(logged.stream().anyMatch(m -> m.contains("(request_timeout)") && m.contains("Thread.sleep")),
                "logged with the handler's stack: " + logged);
        // The worker was freed: the pool serves the next client.
    }

    @ParameterizedTest
    @EnumSource(value = Handoff.class, names = {"DESCRIPTOR", "RELAY"})
    void aSlowHandlerIsLoggedOnceAndLeftToFinish(Handoff handoff) throws Exception {
        PreforkEngine engine = start(silentClientsServed(handoff).set(EngineConfig.SLOW_THRESHOLD, "1"), connection -> {
            try {
                Thread.sleep(2_500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            connection.getWriter().println("done");
        });
        assertEquals("done\n", talk(engine.boundPort(0), null));
        assertEquals(1, logged.stream().filter(m -> m.contains("(slow_threshold)")).count(), logged.toString());
        assertTrue(logged.stream().anyMatch(m -> m.contains("(slow_threshold)") && m.contains("Thread.sleep")), logged.toString());
    }
}
