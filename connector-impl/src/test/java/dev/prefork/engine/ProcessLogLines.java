package dev.prefork.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The supervisor's and workers' log lines as the controlling JVM relays them (logger
 * {@code dev.prefork.process}), kept while open, so that a test can await the line an event must log.
 */
final class ProcessLogLines implements AutoCloseable {
    private final Logger logger = Logger.getLogger("dev.prefork.process");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getMessage() != null) {
                synchronized (ProcessLogLines.this) {
                    lines.add(record.getMessage());
                    ProcessLogLines.this.notifyAll();
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

    ProcessLogLines() {
        logger.addHandler(handler);
    }

    /** The first line containing {@code text}, waiting for it up to {@code seconds}; null if none came. */
    synchronized String await(String text, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            for (String line : lines) {
                if (line.contains(text)) {
                    return line;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Every line so far containing {@code text}. */
    List<String> containing(String text) {
        return lines.stream().filter(line -> line.contains(text)).toList();
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
