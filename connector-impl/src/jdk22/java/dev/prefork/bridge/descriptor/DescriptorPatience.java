package dev.prefork.bridge.descriptor;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * One client's wait for a descriptor to free up in this JVM (it has as many open as it may): the client
 * stays with its worker meanwhile and is tried again, pausing a little longer each time, for up to
 * {@link #PATIENCE_MILLIS}; then it is given up. One per link, made with it and {@link #restart restarted} for
 * each wait: while no descriptor is free this JVM cannot load a class from the process jar either (a class
 * first needed then failed with NoClassDefFoundError, and the link's thread and its client were lost).
 */
final class DescriptorPatience {
    private static final Logger LOG = Logger.getLogger(DescriptorPatience.class.getName());
    private static final long PATIENCE_MILLIS = 10_000;
    private static final long MAX_PAUSE_MILLIS = 200;

    private long started = System.nanoTime();
    private long pause;

    /** Starts a new wait (the first time no descriptor is free for a client). */
    DescriptorPatience restart() {
        started = System.nanoTime();
        pause = 0;
        return this;
    }

    /**
     * Called each time no descriptor was free ({@code how}: what said so): logs (one line per interval over
     * all links) and pauses, or throws once patience is over or the bridge closes.
     */
    void noRoom(DescriptorReceiver bridge, long workerPid, String how) throws IOException {
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (waited >= PATIENCE_MILLIS || bridge.closing()) {
            throw new IOException("no descriptor free in this JVM for " + waited + " ms to take a client; giving it up");
        }
        String line = bridge.cutOffDescriptors().line(bridge.name() + ": no descriptor free to take a client from worker "
                + workerPid + " (" + how + "); it stays with the worker and is tried again");
        if (line != null) {
            LOG.warning(line);
        }
        pause = Math.min(MAX_PAUSE_MILLIS, Math.max(5, 2 * pause));
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a free descriptor", e);
        }
    }
}
