package dev.prefork.engine;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Handoff;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 9, item 10: the line about a busy worker that died says truly what became of its client. */
class WorkerDeathLogTest extends EngineTestSupport {

    @ParameterizedTest
    @EnumSource(value = Handoff.class, names = {"DESCRIPTOR", "RELAY"})
    void theDeathOfABusyWorkerIsLoggedTruthfully(Handoff handoff) throws Exception {
        List<String> deaths = new CopyOnWriteArrayList<>();
        CountDownLatch logged = new CountDownLatch(1);
        Logger processLog = Logger.getLogger("dev.prefork.process");
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getMessage() != null && record.getMessage().contains("died with")) {
                    deaths.add(record.getMessage());
                    logged.countDown();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        processLog.addHandler(handler);
        CountDownLatch release = new CountDownLatch(1);
        try {
            // Dying while serving: a worker carries its client only with max_clients 0.
            PreforkEngine engine = start(config(1).handoff(handoff).set(EngineConfig.MAX_CLIENTS, "0"), connection -> {
                connection.getWriter().println(connection.getReader().readLine());
                release.await(30, TimeUnit.SECONDS);
            });
            try (LineClient client = new LineClient(engine.boundPort(0))) {
                assertEquals("busy", client.roundTrip("busy"));
                long worker = Processes.children(engine.supervisorPid()).get(0);
                ProcessHandle.of(worker).ifPresent(ProcessHandle::destroyForcibly);
                assertTrue(logged.await(20, TimeUnit.SECONDS), "the death is logged");
                String line = deaths.get(0);
                assertTrue(line.contains("while serving 127.0.0.1:"), line);
                if (handoff == Handoff.DESCRIPTOR) {
                    assertTrue(line.contains("lives on in the controlling JVM") && !line.contains("is lost"), line);
                    release.countDown();
                } else {
                    assertTrue(line.contains("that connection is lost"), line);
                }
            }
            assertTrue(engine.awaitAccepting(Duration.ofSeconds(30)));
        } finally {
            release.countDown();
            processLog.removeHandler(handler);
        }
    }
}
