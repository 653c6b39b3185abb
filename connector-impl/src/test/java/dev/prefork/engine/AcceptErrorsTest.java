package dev.prefork.engine;

import dev.prefork.engine.config.Handoff;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker whose accept() keeps failing (here: out of descriptors, EMFILE, after its RLIMIT_NOFILE was
 * lowered under it with prlimit) backs off instead of spinning, says so on the scoreboard and in the
 * log, and leaves within a bound so that the supervisor replaces it with a healthy one.
 */
class AcceptErrorsTest extends EngineTestSupport {
    private static final Logger PROCESS_LOG = Logger.getLogger("dev.prefork.process");
    private static final int KEPT_LINES = 200;

    /** The process log lines this JVM received from the supervisor (workers included), the first 200. */
    private final List<String> processLog = new ArrayList<>();
    private final Handler collector = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (processLog) {
                if (processLog.size() < KEPT_LINES) {
                    processLog.add(record.getLevel() + " " + record.getMessage());
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void collectTheProcessLog() {
        PROCESS_LOG.addHandler(collector);
    }

    @AfterEach
    void stopCollecting() {
        PROCESS_LOG.removeHandler(collector);
    }

    private List<String> logLinesOf(long pid, String containing) {
        synchronized (processLog) {
            return processLog.stream().filter(line -> line.contains(" " + pid + " ") && line.contains(containing)).toList();
        }
    }

    /** The lowest descriptor number {@code pid} has not open: a limit there leaves it none to open. */
    private static int lowestFreeDescriptor(long pid) throws IOException {
        Set<Integer> open;
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            open = fds.map(fd -> Integer.parseInt(fd.getFileName().toString())).collect(Collectors.toSet());
        }
        int free = 0;
        while (open.contains(free)) {
            free++;
        }
        return free;
    }

    private static Duration cpuTime(long pid) {
        return ProcessHandle.of(pid).flatMap(process -> process.info().totalCpuDuration()).orElse(Duration.ZERO);
    }

    private static WorkerState stateOf(PreforkEngine engine, long pid) {
        try {
            return engine.snapshot().workers().stream().filter(worker -> worker.pid() == pid)
                    .map(WorkerSnapshot::state).findFirst().orElse(WorkerState.EMPTY);
        } catch (EngineException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Handoff.class, names = {"DESCRIPTOR", "RELAY"})
    void aWorkerOutOfDescriptorsBacksOffWithoutBurningCpuAndIsReplaced(Handoff handoff) throws Exception {
        PreforkEngine engine = start(config(1).handoff(handoff));
        int port = engine.boundPort(0);
        long supervisor = engine.supervisorPid();
        long worker = engine.snapshot().workers().get(0).pid();
        // Past its start-up (the link to this JVM is open) and blocked in accept(): it needs no new descriptor.
        assertTrue(Processes.eventually(Duration.ofSeconds(20), () -> stateOf(engine, worker) == WorkerState.ACCEPTING));

        Process prlimit = new ProcessBuilder("prlimit", "--pid", Long.toString(worker),
                "--nofile=" + lowestFreeDescriptor(worker) + ":").redirectErrorStream(true).start();
        assertTrue(prlimit.waitFor(10, TimeUnit.SECONDS), "prlimit ran");
        assertEquals(0, prlimit.exitValue(), new String(prlimit.getInputStream().readAllBytes()));
        // The accept() already under way holds the descriptor it will return: one client takes it out,
        // whatever becomes of that client. Every accept() after it fails at once with EMFILE.
        try (Socket kick = new Socket()) {
            kick.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        }

        assertTrue(Processes.eventually(Duration.ofSeconds(10), () -> stateOf(engine, worker) == WorkerState.BACKING_OFF),
                "the scoreboard says the worker is backing off");
        Duration before = cpuTime(worker);
        long start = System.nanoTime();
        Thread.sleep(2_000); // a measuring window, not a wait for an event
        Duration used = cpuTime(worker).minus(before);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(used.toMillis() < elapsedMillis / 10,
                "the failing worker used " + used.toMillis() + " ms of CPU in " + elapsedMillis + " ms, not a core");

        assertTrue(Processes.eventually(Duration.ofSeconds(30), () -> !Processes.alive(worker)),
                "the worker gave up and left within its bound");
        assertTrue(Processes.eventually(Duration.ofSeconds(30), () -> {
            List<Long> now = Processes.children(supervisor);
            return now.size() == 1 && !now.contains(worker);
        }), "the supervisor replaced it");
        assertTrue(engine.awaitAccepting(Duration.ofSeconds(30)));
        assertEquals("served again", LineClient.echoOnce(port, "served again"));

        List<String> warnings = logLinesOf(worker, "accept");
        assertTrue(warnings.size() >= 2 && warnings.get(0).startsWith("WARNING") && warnings.get(0).contains("accept keeps failing"),
                "the log says so at once: " + warnings);
        assertTrue(warnings.get(warnings.size() - 1).contains("leaving so that the supervisor starts a fresh worker"), warnings.toString());
        assertTrue(warnings.size() <= 4, "one line per interval, not one per failure: " + warnings);
    }
}
