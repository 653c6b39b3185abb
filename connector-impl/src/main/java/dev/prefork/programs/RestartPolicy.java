package dev.prefork.programs;

/**
 * When a program that exited is started again: at once after a run of at least {@link #QUICK_MILLIS};
 * after a quick exit, 0.25 s doubling with every quick exit in a row up to 30 s, and after
 * {@code crash_limit} quick exits in a row never (the hydra restarts for ever, which turns a program
 * that fails at start into a busy loop). Exits the supervisor asked for (stop, SIGHUP) do not count.
 * One per program; not thread-safe (the keeper's loop owns it).
 */
public final class RestartPolicy {
    /** A run shorter than this is a crash at start-up rather than a program that served and ended. */
    public static final long QUICK_MILLIS = 10_000;
    static final long FIRST_BACKOFF_MILLIS = 250;
    static final long MAX_BACKOFF_MILLIS = 30_000;
    /** What {@link #exited} returns for a program that is not to be started again. */
    public static final long GIVE_UP = -1;

    private final int crashLimit;
    private int quickExitsInARow;

    /** @param crashLimit quick exits in a row after which the program is given up; 0 never gives up */
    public RestartPolicy(int crashLimit) {
        this.crashLimit = crashLimit;
    }

    /**
     * Records an exit the supervisor did not ask for, after {@code ranMillis}; returns the milliseconds to
     * wait before the next start, or {@link #GIVE_UP}.
     */
    public long exited(long ranMillis) {
        if (ranMillis >= QUICK_MILLIS) {
            quickExitsInARow = 0;
            return 0;
        }
        quickExitsInARow++;
        if (crashLimit > 0 && quickExitsInARow >= crashLimit) {
            return GIVE_UP;
        }
        return Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(10, quickExitsInARow - 1));
    }

    /** Starts afresh, as after an operator's SIGHUP (the program may have been fixed). */
    public void reset() {
        quickExitsInARow = 0;
    }

    /** Quick exits in a row so far, for the log. */
    public int quickExitsInARow() {
        return quickExitsInARow;
    }
}
