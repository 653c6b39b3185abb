package dev.prefork.supervisor;

import dev.prefork.posix.Posix;

import java.util.Locale;

/** Why a worker left the pool: the reasons the status port counts replaced workers by. */
enum Departure {
    /**
     * Served its max_requests (plus jitter) and left by itself, or, with its successor spawned ahead, was let
     * go once it was still there long after its end was due (the load fell away).
     */
    MAX_REQUESTS,
    /** Replaced by a rolling restart (SIGHUP, or the restart command). */
    RESTART,
    /** Let go because the pool shrank or was drained (TTOU, a smaller max_servers, drain). */
    REMOVED,
    /** Told to quit because the pool stops. */
    STOP,
    /** Exited with a non-zero status by itself. */
    CRASH,
    /** Ended by a signal we did not send (the OOM killer, an operator's kill). */
    KILLED,
    /** Killed by us: it did not finish its connection within graceful_shutdown_timeout. */
    TIMEOUT,
    /** Killed by us: it held the accept turn while connections waited (stopped or hung; see {@link StuckTurnWatch}). */
    STUCK,
    /** Killed by us: it did not reach its accept loop within worker_boot_timeout (a start-up failure). */
    BOOT_TIMEOUT;

    /** The name shown on the status port and in metric labels. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Departure of(Child child, int waitStatus, boolean stopping) {
        if (child.killedAfterGrace) {
            return TIMEOUT;
        }
        if (child.killedStuck) {
            return STUCK;
        }
        if (child.killedAtBoot) {
            return BOOT_TIMEOUT;
        }
        int signal = waitStatus & 0x7f;
        // A worker told to quit before it had a link is sent SIGTERM by us: that is no crash.
        boolean ourTerm = child.quitRequested && signal == Posix.SIGTERM;
        if (!Posix.exitedNormally(waitStatus) && !ourTerm) {
            return signal != 0 ? KILLED : CRASH;
        }
        if (child.retiring) {
            return RESTART;
        }
        if (stopping) {
            return STOP;
        }
        // Retired as overdue: its successor already took its place, it left for its max_requests as late as it could.
        return child.quitRequested && !child.retiredOverdue ? REMOVED : MAX_REQUESTS;
    }
}
