package dev.prefork.bench.scenario;

import dev.prefork.bench.server.Ports;

import java.util.concurrent.TimeUnit;

/**
 * Time from just before a server is started to the first line it echoes: a client tries every 20 ms
 * from the start (a refused or unanswered attempt costs little), so the figure includes whatever the
 * server does between "workers accepting" and serving its first connection. Net::Server's ready check
 * already includes an echo; for the engine the two can differ (issue 13 saw 3–4 s under load).
 */
final class FirstAnswer implements AutoCloseable {
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(120);
    private final long begin = System.nanoTime();
    private final Thread prober;
    private volatile long answeredNanos = -1;

    private FirstAnswer(int port) {
        prober = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted() && System.nanoTime() - begin < GIVE_UP_NANOS) {
                if (Ports.echoes(port)) {
                    answeredNanos = System.nanoTime() - begin;
                    return;
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-first-answer-" + port);
        prober.setDaemon(true);
        prober.start();
    }

    /** Starts probing {@code port}; call it right before starting the server. */
    static FirstAnswer probe(int port) {
        return new FirstAnswer(port);
    }

    /** Milliseconds to the first echo, waiting at most {@code waitMillis} more for it; NaN if none came. */
    double millis(long waitMillis) throws InterruptedException {
        prober.join(waitMillis);
        long n = answeredNanos;
        return n < 0 ? Double.NaN : n / 1e6;
    }

    @Override
    public void close() {
        prober.interrupt();
    }
}
