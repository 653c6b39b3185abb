package dev.prefork.standalone;

import dev.prefork.engine.PreforkEngine;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * {@link StandaloneMain} held inside its start, for a test that signals the launcher there: when the
 * engine logs that its supervisor listens (the supervisor reported ready and a worker may accept, but
 * {@code PreforkEngine.start} has not returned), this prints {@code holding the start: } and that log
 * line, and holds the start until the JVM begins to exit (at most 60 s). Released at the exit, not held
 * through it: a real start is not held forever but ends within its own bound, and the launcher's stop
 * must wait for it. Run with {@code --log_level 2} or more, so that the engine logs the line.
 */
public final class HeldStartLauncher {
    /** The line the engine logs once the supervisor is ready, inside its start. */
    static final String SUPERVISOR_READY = ": supervisor pid ";
    static final String HOLDING = "holding the start: ";

    /** Kept here: the log manager holds loggers weakly, and a collected one would lose the handler. */
    private static final Logger ENGINE = Logger.getLogger(PreforkEngine.class.getName());

    private HeldStartLauncher() {
    }

    public static void main(String[] args) throws Exception {
        // As StandaloneMain sets it, and before anything logs: the manager is chosen at the first logger.
        System.setProperty("java.util.logging.manager", LogFile.KeptOpenAtExit.class.getName());
        CountDownLatch exiting = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(exiting::countDown, "held-start-release"));
        ENGINE.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                String message = record.getMessage();
                if (message != null && message.contains(SUPERVISOR_READY)) {
                    System.out.println(HOLDING + message);
                    System.out.flush();
                    try {
                        exiting.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        StandaloneMain.main(args);
    }
}
