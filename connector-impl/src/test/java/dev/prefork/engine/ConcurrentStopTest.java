package dev.prefork.engine;

import dev.prefork.engine.config.EngineConfig;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stop called while another thread's stop is under way returns only once that stop is done, so that
 * its caller may bind the pool's ports next. The adapter meets it when a container refuses a delivery
 * (the pool is stopped on a thread of its own) and then deactivates the endpoint; a redeploy's new
 * activation follows that deactivation at once. It used to return at once, ports still bound.
 */
class ConcurrentStopTest extends EngineTestSupport {
    private static final int DRAIN_SECONDS = 60;

    @Test
    void aStopDuringAnotherThreadsDrainingStopReturnsOnlyOnceThePortIsFree() throws Exception {
        PreforkEngine engine = start(config(2).name("concurrent-stop").set(EngineConfig.DRAIN_TIMEOUT, Integer.toString(DRAIN_SECONDS)));
        int port = engine.boundPort(0);
        assertEquals("x", LineClient.echoOnce(port, "x"));
        List<Long> ours = new ArrayList<>(Processes.children(engine.supervisorPid()));
        ours.add(engine.supervisorPid());

        // The first stop drains for drain_timeout, the pool serving (its port open) meanwhile.
        Thread draining = new Thread(engine::stop, "draining-stop");
        draining.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (engine.isRunning()) {
                assertTrue(System.nanoTime() < deadline, "the first stop began");
                Thread.sleep(10); // isRunning() turns false as the stop begins and announces nothing else: poll, bounded
            }

            long started = System.nanoTime();
            engine.stopWithoutDrain(); // cuts the first stop's drain short, then waits for that stop
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            try (ServerSocket again = new ServerSocket()) {
                again.bind(new InetSocketAddress("127.0.0.1", port)); // the port is free the moment stop returns
            }
            assertTrue(ours.stream().noneMatch(Processes::alive), "no process of ours is left: " + ours);
            // Generous for a loaded machine; a stop that waited the drain out would take 60 s.
            assertTrue(millis < DRAIN_SECONDS * 1000 / 2, "the drain was cut short: " + millis + " ms");
            draining.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(draining.isAlive(), "the first stop is done too");
        } finally {
            draining.join(TimeUnit.SECONDS.toMillis(120));
        }
    }
}
