package dev.prefork.worker;

import java.util.function.Consumer;

/**
 * What a worker's accept loop does when accept() fails. One failure on its own (a client that reset
 * before we took it, an interrupted call) is retried at once. Failures in a row mean something that
 * does not pass by itself: out of descriptors (EMFILE, ENFILE), of memory (ENOMEM, ENOBUFS), or a
 * listening socket that is no longer one (EBADF). Retrying those at once would burn a core, so the
 * loop waits, from 10 ms doubling to 1 s, logs the first at once and then one line per interval with
 * a count, and after 10 s gives up so that the worker exits and the supervisor starts a fresh one.
 *
 * <p>Time comes in as arguments, so the policy is tested without waiting. One accept thread uses it.
 */
final class AcceptFailures {
    static final long FIRST_DELAY_MILLIS = 10;
    static final long MAX_DELAY_MILLIS = 1_000;
    static final long GIVE_UP_AFTER_MILLIS = 10_000;
    static final long LOG_INTERVAL_MILLIS = 5_000;
    /** What {@link #failed} returns when the worker should leave. */
    static final long GIVE_UP = -1;

    private final Consumer<String> warnings;
    private int inARow;
    private long firstMillis;
    private long delayMillis;
    private long loggedMillis;
    private int notLogged;

    AcceptFailures(Consumer<String> warnings) {
        this.warnings = warnings;
    }

    /** Records a failed accept at {@code now}; returns how long to wait before the next one, or {@link #GIVE_UP}. */
    long failed(Exception error, long now) {
        inARow++;
        if (inARow == 1) {
            firstMillis = now;
            return 0;
        }
        if (inARow == 2) {
            delayMillis = FIRST_DELAY_MILLIS;
            loggedMillis = now;
            notLogged = 0;
            warnings.accept("accept keeps failing (" + error.getMessage() + "); retrying every " + FIRST_DELAY_MILLIS
                    + " ms to " + MAX_DELAY_MILLIS + " ms, and leaving to be replaced if it goes on for "
                    + GIVE_UP_AFTER_MILLIS / 1000 + " s");
            return delayMillis;
        }
        if (now - firstMillis >= GIVE_UP_AFTER_MILLIS) {
            warnings.accept("accept failed " + inARow + " times in a row over " + (now - firstMillis) + " ms (last: "
                    + error.getMessage() + "); leaving so that the supervisor starts a fresh worker");
            return GIVE_UP;
        }
        notLogged++;
        if (now - loggedMillis >= LOG_INTERVAL_MILLIS) {
            warnings.accept("accept failed " + notLogged + " more times in the last " + (now - loggedMillis)
                    + " ms (last: " + error.getMessage() + ")");
            loggedMillis = now;
            notLogged = 0;
        }
        delayMillis = Math.min(MAX_DELAY_MILLIS, delayMillis * 2);
        return delayMillis;
    }

    /** A successful accept ends a run of failures. */
    void succeeded() {
        if (inARow > 1) {
            warnings.accept("accept works again after " + inARow + " failures in a row");
        }
        inARow = 0;
    }
}
