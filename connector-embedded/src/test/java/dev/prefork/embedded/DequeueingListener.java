package dev.prefork.embedded;

import dev.prefork.api.PreforkConnection;
import dev.prefork.api.PreforkDequeue;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listener with dequeue jobs every second, two at most, each held until the test releases it (or the
 * stop interrupts it), recording how many started, ran at once and were interrupted; a client asking
 * anything reads how many started.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "name", propertyValue = "dequeueing"),
        @ActivationConfigProperty(propertyName = "port", propertyValue = "127.0.0.1:0"),
        @ActivationConfigProperty(propertyName = "max_servers", propertyValue = "1"),
        @ActivationConfigProperty(propertyName = "check_for_dequeue", propertyValue = "1"),
        @ActivationConfigProperty(propertyName = "max_dequeue", propertyValue = "2"),
        @ActivationConfigProperty(propertyName = "graceful_shutdown_timeout", propertyValue = "1")
})
public class DequeueingListener implements PreforkDequeue {
    static final AtomicInteger STARTED = new AtomicInteger();
    static final AtomicInteger RUNNING = new AtomicInteger();
    static final AtomicInteger MOST_AT_ONCE = new AtomicInteger();
    static final AtomicInteger INTERRUPTED = new AtomicInteger();
    /** The number of each call as it starts. */
    static final BlockingQueue<Integer> STARTS = new LinkedBlockingQueue<>();
    /** A permit lets one call return. */
    static final Semaphore RELEASE = new Semaphore(0);

    static void reset() {
        STARTED.set(0);
        RUNNING.set(0);
        MOST_AT_ONCE.set(0);
        INTERRUPTED.set(0);
        STARTS.clear();
        RELEASE.drainPermits();
    }

    @Override
    public void processRequest(PreforkConnection connection) {
        connection.getWriter().println("dequeue runs started: " + STARTED.get());
    }

    @Override
    public void runDequeue() throws InterruptedException {
        MOST_AT_ONCE.accumulateAndGet(RUNNING.incrementAndGet(), Math::max);
        STARTS.add(STARTED.incrementAndGet());
        try {
            RELEASE.acquire();
        } catch (InterruptedException e) {
            INTERRUPTED.incrementAndGet();
            throw e;
        } finally {
            RUNNING.decrementAndGet();
        }
    }
}
