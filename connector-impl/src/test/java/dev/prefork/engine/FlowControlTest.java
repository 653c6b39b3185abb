package dev.prefork.engine;

import dev.prefork.engine.config.Handoff;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Misbehaving clients cost their own worker at most: no process buffers without bound, others are served. */
class FlowControlTest extends EngineTestSupport {

    /**
     * More than the kernel can hold for one connection: with tcp_rmem's maximum at 32 MB (Debian's default)
     * the socket buffers along the path, two hops in relay mode, can absorb tens of megabytes before the
     * writer blocks (10 MB, the bound once used here, was absorbed in CI). A writer that got all of this
     * through would mean a process buffers in user space, which the RSS checks below then also see.
     */
    private static final long WRITE_CAP = 256L * 1024 * 1024;

    @ParameterizedTest
    @EnumSource(value = Handoff.class, names = {"DESCRIPTOR", "RELAY"})
    void aClientThatSendsWithoutReadingIsStoppedByBackPressureAndGrowsNoProcess(Handoff handoff) throws Exception {
        PreforkEngine engine = start(config(2).handoff(handoff));
        int port = engine.boundPort(0);
        List<Long> ours = new ArrayList<>(Processes.children(engine.supervisorPid()));
        ours.add(engine.supervisorPid());
        long[] rssBefore = new long[ours.size()];
        for (int i = 0; i < ours.size(); i++) {
            rssBefore[i] = Processes.rssKb(ours.get(i));
        }
        long controllerBefore = usedHeap();

        ExecutorService writer = Executors.newSingleThreadExecutor();
        AtomicLong written = new AtomicLong();
        try (Socket greedy = new Socket()) {
            greedy.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            greedy.setReceiveBufferSize(64 * 1024);
            // The echo handler writes back what it reads; this client never reads, so everything backs up.
            Future<?> sending = writer.submit(() -> {
                OutputStream out = greedy.getOutputStream();
                byte[] chunk = new byte[64 * 1024];
                while (written.get() < WRITE_CAP) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
                return null;
            });
            // The writer stalls long before the cap: wait (bounded) until it stops making progress.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long last = -1;
            while (written.get() != last && !sending.isDone() && System.nanoTime() < deadline) {
                last = written.get();
                Thread.sleep(500);
            }
            assertTrue(written.get() < WRITE_CAP, "back-pressure stopped the client after " + written.get() + " bytes");
            assertTrue(!sending.isDone());

            // The other worker still serves.
            for (int i = 0; i < 5; i++) {
                assertEquals("other " + i, LineClient.echoOnce(port, "other " + i));
            }
            for (int i = 0; i < ours.size(); i++) {
                long growthKb = Processes.rssKb(ours.get(i)) - rssBefore[i];
                assertTrue(growthKb < 16 * 1024, "process " + ours.get(i) + " grew by " + growthKb + " kB");
            }
            assertTrue(usedHeap() - controllerBefore < 32L * 1024 * 1024, "the controlling JVM buffered nothing large");
        } finally {
            writer.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Handoff.class, names = {"DESCRIPTOR", "RELAY"})
    void aClientThatSendsNothingStallsOnlyItsOwnWorker(Handoff handoff) throws Exception {
        PreforkEngine engine = start(config(2).handoff(handoff));
        int port = engine.boundPort(0);
        try (LineClient silent = new LineClient(port)) {
            ExecutorService clients = Executors.newFixedThreadPool(4);
            try {
                List<Future<String>> answers = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String line = "busy " + i;
                    answers.add(clients.submit(() -> LineClient.echoOnce(port, line)));
                }
                for (int i = 0; i < 20; i++) {
                    assertEquals("busy " + i, answers.get(i).get(60, TimeUnit.SECONDS));
                }
            } finally {
                clients.shutdownNow();
            }
            assertEquals("late", silent.roundTrip("late"), "the silent client is still served when it speaks");
        }
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
