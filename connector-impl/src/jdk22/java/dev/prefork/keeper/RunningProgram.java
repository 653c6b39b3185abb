package dev.prefork.keeper;

/** One running copy of a program, as the keeper's loop tracks it (only that thread touches it). */
final class RunningProgram {
    final long pid;
    final KeptProgram program;
    final long startedMillis;
    /** Replaced by a new copy (SIGHUP on a pool): no longer counted, so its replacement is started first. */
    boolean retiring;
    /** Let go because the pool shrank (TTOU): retiring, and not replaced. */
    boolean surplus;
    /** Asked to stop (TERM sent): its exit is no crash. */
    boolean stopRequested;
    /** When it is killed if it has not exited after TERM; MAX_VALUE until TERM is sent. */
    long killAtMillis = Long.MAX_VALUE;

    RunningProgram(long pid, KeptProgram program, long startedMillis) {
        this.pid = pid;
        this.program = program;
        this.startedMillis = startedMillis;
    }

    /** Whether it counts towards its program's copies: a retiring pool worker does not, a restarting program does. */
    boolean counts() {
        return !retiring;
    }

    /** name[pid], as the log tags it. */
    String tag() {
        return program.spec.name() + "[" + pid + "]";
    }
}
