package dev.prefork.adapter;

import dev.prefork.engine.PreforkEngine;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Handoff;
import dev.prefork.standalone.BuiltinHandlers;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkManager;
import jakarta.resource.spi.work.WorkRejectedException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A container WorkManager with fewer threads than the pool has workers (WildFly's default has 50
 * long-running threads) is a cap between a worker and its client (issue 9, fault 9): the clients past it
 * must read the busy line promptly, with a log line that says what to raise, instead of waiting in the
 * WorkManager's queue behind the clients that stay connected.
 */
@Timeout(180)
class WorkManagerCapTest {
    private static final int WORKERS = 4;
    private static final int THREADS = 2;

    /** IronJacamar's shape: a fixed number of threads and a bounded queue in front of them. */
    private static WorkManager workManager(ThreadPoolExecutor threads) {
        return (WorkManager) Proxy.newProxyInstance(WorkManager.class.getClassLoader(),
                new Class<?>[] {WorkManager.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("scheduleWork")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    try {
                        threads.execute((Work) args[0]);
                    } catch (RejectedExecutionException e) {
                        throw new WorkRejectedException("queue full");
                    }
                    return null;
                });
    }

    @ParameterizedTest
    @EnumSource(value = Handoff.class, names = {"DESCRIPTOR", "RELAY"})
    void clientsPastTheContainersThreadsReadTheBusyLineAndTheLogSaysWhatToRaise(Handoff handoff) throws Exception {
        ThreadPoolExecutor threads = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(50));
        LogCapture capture = LogCapture.of(WorkManagerExecutor.class);
        List<String> logged = capture.messages();
        List<Socket> clients = new ArrayList<>();
        PreforkEngine engine = null;
        try {
            EngineConfig config = EngineConfig.builder().ports("127.0.0.1:0").maxServers(WORKERS).handoff(handoff)
                    .name("cap-" + handoff.key()).build();
            engine = PreforkEngine.start(config, BuiltinHandlers.ECHO, new WorkManagerExecutor(workManager(threads), true, "cap"));
            assertTrue(engine.awaitAccepting(Duration.ofSeconds(60)), "every worker reached its accept loop");
            int port = engine.boundPort(0);

            int served = 0;
            int busy = 0;
            long started = System.nanoTime();
            // One client after another, each staying connected: the first THREADS hold every container thread.
            for (int c = 0; c < WORKERS; c++) {
                Socket client = new Socket();
                clients.add(client);
                client.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                client.setSoTimeout(30_000);
                client.getOutputStream().write(("client " + c + "\n").getBytes(StandardCharsets.US_ASCII));
                String answer = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                if (("client " + c).equals(answer)) {
                    served++;
                } else {
                    assertTrue(answer != null && answer.startsWith("busy: "), "client " + c + " read " + answer);
                    busy++;
                }
            }
            // With handoff descriptor a thread belongs to a worker's link, so which clients are served
            // depends on which workers accepted them; never more than the threads, never none.
            assertTrue(served >= 1 && served <= THREADS, served + " clients served with " + THREADS + " threads");
            assertEquals(WORKERS - served, busy, "every other client answered busy");
            // Each refusal waits at most a link's and a connection's start timeout: generous, but bounded.
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60), "the refusals came promptly");
            assertTrue(logged.stream().anyMatch(line -> line.contains("long-running threads")), "a line says what to raise: " + logged);
        } finally {
            for (Socket client : clients) {
                closeQuietly(client);
            }
            if (engine != null) {
                engine.stop();
            }
            threads.shutdownNow();
            capture.close();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // the test is over
        }
    }
}
