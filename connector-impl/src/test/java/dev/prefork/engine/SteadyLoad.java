package dev.prefork.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients that keep connecting while a test changes the pool: each makes one echo connection after
 * another until stopped, and every connection that fails or answers wrongly is counted and kept.
 */
final class SteadyLoad implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong excused = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> clients = new ArrayList<>();

    SteadyLoad(int port, int clientCount) {
        this(port, clientCount, null, 20_000);
    }

    /**
     * @param excuse a failure of this kind is counted apart ({@link #excused}), not as a failure, and the
     *               client pauses before it tries again (say, a connection refused while nothing listens)
     * @param readTimeoutMillis how long a client waits for its answer before it counts a failure
     */
    SteadyLoad(int port, int clientCount, Class<? extends Exception> excuse, int readTimeoutMillis) {
        for (int c = 0; c < clientCount; c++) {
            int client = c;
            Thread thread = new Thread(() -> {
                for (long i = 0; running.get(); i++) {
                    String line = "client " + client + " connection " + i;
                    try {
                        String echoed;
                        try (LineClient connection = new LineClient(port)) {
                            connection.socket().setSoTimeout(readTimeoutMillis);
                            echoed = connection.roundTrip(line);
                        }
                        if (line.equals(echoed)) {
                            answered.incrementAndGet();
                        } else {
                            failures.add(line + ": answered " + echoed);
                        }
                    } catch (Exception e) {
                        if (excuse != null && excuse.isInstance(e)) {
                            excused.incrementAndGet();
                            pause();
                        } else {
                            failures.add(line + ": " + e);
                        }
                    }
                }
            }, "steady-load-" + c);
            thread.setDaemon(true);
            clients.add(thread);
            thread.start();
        }
    }

    long answered() {
        return answered.get();
    }

    /** Failures of the excused kind. */
    long excused() {
        return excused.get();
    }

    private void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until {@code more} further connections were answered, so that a change happens under load. */
    void awaitAnswers(long more, long timeoutSeconds) throws InterruptedException {
        long target = answered.get() + more;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (answered.get() < target && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /** Stops the clients (each finishes its connection) and returns every failure. */
    List<String> stop() throws InterruptedException {
        running.set(false);
        for (Thread thread : clients) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        return new ArrayList<>(failures);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
