package dev.prefork.engine;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.posix.SocketCalls;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9, fault 6: the controlling JVM out of descriptors. The link acceptor must not spin (and log)
 * on EMFILE, and a client passed while no descriptor is free must be served once one is, not dropped.
 */
class DescriptorExhaustionTest extends EngineTestSupport {

    private static long linkThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("prefork-link-test-")).count();
    }

    /** Counts the log records of {@code loggerName} that contain {@code text}, and signals the first. */
    private static final class Counting extends Handler implements AutoCloseable {
        final AtomicInteger count = new AtomicInteger();
        final CountDownLatch first = new CountDownLatch(1);
        private final Logger logger;
        private final String text;

        Counting(String loggerName, String text) {
            this.logger = Logger.getLogger(loggerName);
            this.text = text;
            logger.addHandler(this);
        }

        @Override
        public void publish(LogRecord record) {
            if (record.getMessage() != null && record.getMessage().contains(text)) {
                count.incrementAndGet();
                first.countDown();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }

    @Test
    void theLinkAcceptorBacksOffOnEmfileAndLogsOncePerInterval() throws Throwable {
        // The link acceptor is the same for both transfers; message's links are the SOCK_SEQPACKET ones made here.
        PreforkEngine engine = start(config(2).set(EngineConfig.DESCRIPTOR_TRANSFER, "message"));
        String bridge = runtimeDirectoryOf(engine).resolve("bridge.sock").toString();
        assertTrue(Processes.eventually(Duration.ofSeconds(10), () -> linkThreads() == 2), "the workers' links are up");
        try (Arena arena = Arena.ofConfined();
             Counting failures = new Counting("dev.prefork.bridge.descriptor.DescriptorReceiver", "accepting a worker link failed")) {
            SocketCalls calls = new SocketCalls(arena);
            int link = calls.linkSocket(); // made now: nothing may be opened while the limit is down
            Class.forName("dev.prefork.posix.SocketCalls$Connect"); // nor a class file read
            try {
                try (DescriptorLimit ignored = DescriptorLimit.exhaust()) {
                    calls.connect(link, bridge); // waits in the backlog: accept() fails with EMFILE
                    assertTrue(failures.first.await(10, TimeUnit.SECONDS), "the failure is logged");
                    Thread.sleep(1_000); // the window in which a spinning acceptor would log thousands of lines
                }
                assertTrue(failures.count.get() <= 2, "logged once per interval, not per failure: " + failures.count.get());
                assertTrue(Processes.eventually(Duration.ofSeconds(10), () -> linkThreads() == 3),
                        "the link is taken once descriptors are free again");
            } finally {
                SocketCalls.closeQuietly(link);
            }
        }
        assertEquals("served", LineClient.echoOnce(engine.boundPort(0), "served"));
    }

    @Test
    void aClientPassedWhileNoDescriptorIsFreeIsServedOnceOneIs() throws Throwable {
        // message: the descriptor is cut off (MSG_CTRUNC) and stays queued; pidfd: pidfd_getfd fails with EMFILE
        // and the client stays with its worker. Both are tried again until a descriptor is free.
        for (String transfer : new String[] {"pidfd", "message"}) {
            PreforkEngine engine = start(config(1).name("test-" + transfer).set(EngineConfig.DESCRIPTOR_TRANSFER, transfer));
            assertTrue(Processes.eventually(Duration.ofSeconds(10), () -> linkThreads() == 1), "the worker's link is up");
            // The client is another process, started now: connecting from here would need a descriptor.
            Process client = new ProcessBuilder("bash", "-c", "read go; exec 3<>/dev/tcp/127.0.0.1/" + engine.boundPort(0)
                    + "; echo through >&3; read -t 20 line <&3; echo \"answer $line\"").redirectErrorStream(true).start();
            try (Counting cutOff = new Counting("dev.prefork.bridge.descriptor.DescriptorPatience",
                    transfer.equals("message") ? "MSG_CTRUNC" : "pidfd_getfd")) {
                OutputStream go = client.getOutputStream();
                BufferedReader answer = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                try (DescriptorLimit ignored = DescriptorLimit.exhaust()) {
                    go.write('\n');
                    go.flush();
                    assertTrue(cutOff.first.await(20, TimeUnit.SECONDS), transfer + ": the passed client met a full descriptor table");
                }
                assertEquals("answer through", answer.readLine(), transfer + ": the client was served once a descriptor was free");
                assertTrue(client.waitFor(20, TimeUnit.SECONDS));
            } finally {
                client.destroyForcibly();
            }
            engine.stop();
        }
    }
}
