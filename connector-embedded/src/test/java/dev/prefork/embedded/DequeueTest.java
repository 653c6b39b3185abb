package dev.prefork.embedded;

import dev.prefork.embedded.junit.LineClient;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bean implementing PreforkDequeue, served by real workers, gets runDequeue() called every
 * check_for_dequeue (1 s), never more than max_dequeue (2) at once: two calls that do not return hold the
 * schedule (the check that finds them is logged), released they let it go on; at the container's close
 * the calls still running get graceful_shutdown_timeout (1 s) and are then interrupted.
 */
class DequeueTest {
    private static final Logger SCHEDULE_LOG = Logger.getLogger(BeanDequeue.class.getName());
    private final BlockingQueue<String> logged = new LinkedBlockingQueue<>();

    @BeforeEach
    void listen() {
        DequeueingListener.reset();
        // A filter sees every record the logger is asked to publish: the shortest way to collect them.
        SCHEDULE_LOG.setFilter(record -> logged.add(record.getMessage()));
    }

    @AfterEach
    void cleanUp() {
        SCHEDULE_LOG.setFilter(null);
        DequeueingListener.RELEASE.release(64);
        Leftovers.killDescendants();
    }

    @Test
    void runDequeueRunsEverySecondNeverMoreThanMaxDequeueAndIsInterruptedAtStop() throws Exception {
        WeldContainer container = Containers.weld(Map.of()).addBeanClass(DequeueingListener.class).initialize();
        try {
            ListenerPool pool = container.select(PreforkExtension.class).get().pool(DequeueingListener.class).orElseThrow();
            assertEquals(1, awaitStart(), "the first call, a second after the start");
            assertEquals(2, awaitStart());
            // Both calls hold on: the next check must start none, and says why.
            awaitLogged("dequeueing: dequeue: no job started: max_dequeue=2 still run");
            assertEquals(2, DequeueingListener.STARTED.get(), "no third call while two run");
            try (LineClient client = LineClient.connect(pool)) {
                assertEquals("dequeue runs started: 2", client.ask("how many?"), "the bean serves clients meanwhile");
            }

            DequeueingListener.RELEASE.release(2);
            assertEquals(3, awaitStart(), "the schedule goes on once calls returned");
            assertEquals(4, awaitStart());
            assertEquals(2, DequeueingListener.MOST_AT_ONCE.get(), "max_dequeue calls at once, never more");
        } finally {
            long closing = System.nanoTime();
            container.close();
            long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing);
            System.out.println("[DequeueTest] close with two calls held took " + closeMillis + " ms");
            assertTrue(closeMillis < 30_000, "the close is bounded: " + closeMillis + " ms");
        }
        assertEquals(2, DequeueingListener.INTERRUPTED.get(), "the two calls held at the close were interrupted");
        assertEquals(0, DequeueingListener.RUNNING.get());
        assertEquals(4, DequeueingListener.STARTED.get(), "no call after the close");
    }

    private static int awaitStart() throws InterruptedException {
        Integer started = DequeueingListener.STARTS.poll(30, TimeUnit.SECONDS);
        assertNotNull(started, "a runDequeue() call within 30 s");
        return started;
    }

    private void awaitLogged(String part) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (String line; (line = logged.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) != null; ) {
            if (line.contains(part)) {
                return;
            }
        }
        throw new AssertionError("no log line with '" + part + "' within 30 s");
    }
}
