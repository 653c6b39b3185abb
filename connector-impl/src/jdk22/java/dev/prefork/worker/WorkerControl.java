package dev.prefork.worker;

import dev.prefork.engine.WorkerState;
import dev.prefork.engine.protocol.Scoreboard;
import dev.prefork.engine.protocol.ProcessLog;

/**
 * Whether this worker may take another connection. The supervisor (or its disappearance) asks the
 * worker to quit from another thread: an idle worker leaves at once, a busy one after its connection,
 * and one whose connection outlasts the grace period is cut off.
 */
final class WorkerControl {
    private final Scoreboard.Slot slot;
    private final AcceptLock turn;
    private final ProcessLog log;
    private final long graceMillis;
    private boolean busy;
    private boolean quitting;
    /** Told to retire rather than quit: serve a connection already accepted, leave after it. */
    private boolean retiring;
    /** Blocked in its turn for accept (the serialization lock), so certainly holding no client. */
    private boolean waitingForTurn;

    WorkerControl(Scoreboard.Slot slot, AcceptLock turn, ProcessLog log, long graceMillis) {
        this.slot = slot;
        this.turn = turn;
        this.log = log;
        this.graceMillis = graceMillis;
    }

    /**
     * Called with a freshly accepted connection; false when the worker is quitting and must not serve it.
     * A retiring worker serves it: the client was accepted and must not be dropped.
     */
    synchronized boolean beginConnection() {
        busy = !quitting || retiring;
        return busy;
    }

    /** Before waiting for the turn to accept. */
    synchronized void awaitingTurn() {
        waitingForTurn = true;
    }

    /** The turn is ours; false when the worker must leave instead of accepting. */
    synchronized boolean turnTaken() {
        waitingForTurn = false;
        return !quitting;
    }

    /**
     * Retire (a pool that shrinks, drains or restarts): leave now only while waiting for the turn, when
     * no client can be in hand; a worker in accept() leaves after the connection it takes, or after the
     * grace period if none comes. Quitting at once there could drop a client the kernel just handed it.
     */
    void requestRetire(String why) {
        synchronized (this) {
            if (quitting) {
                return;
            }
            quitting = true;
            retiring = true;
            if (!busy && waitingForTurn && exitNow(0, why)) {
                return; // not reached: exited
            }
        }
        log.fine("retiring after the next connection: " + why);
        startCutoff(why);
    }

    synchronized void endConnection() {
        busy = false;
    }

    synchronized boolean quitting() {
        return quitting;
    }

    /** Quit: now when idle (blocked in its turn or in accept), else when the current connection ends. */
    void requestQuit(String why) {
        synchronized (this) {
            if (quitting && !retiring) {
                return;
            }
            boolean cutoffRunning = retiring;
            quitting = true;
            retiring = false; // a stop overrides a retirement: an idle worker leaves now
            if (!busy && exitNow(0, why)) {
                return; // not reached: exited
            }
            if (cutoffRunning) {
                return;
            }
        }
        log.fine("quitting after the current connection: " + why);
        startCutoff(why);
    }

    /** Leaves after the grace period whatever the worker is doing then. */
    private void startCutoff(String why) {
        Thread cutoff = new Thread(new Runnable() {
            @Override
            public void run() {
                try {
                    Thread.sleep(graceMillis);
                } catch (InterruptedException e) {
                    return;
                }
                turn.leave();
                halt(0, why + "; the current connection outlasted the grace period of " + graceMillis + " ms");
            }
        }, "prefork-grace");
        cutoff.setDaemon(true);
        cutoff.start();
    }

    /**
     * Leaves at once, having given back the accept turn if this worker holds it (the kernel closes the
     * sockets, and the supervisor reaps us). Returns false, without exiting, only when the accepting
     * thread is in the middle of taking the turn: it was woken, and leaves by itself.
     */
    boolean exitNow(int status, String why) {
        if (!turn.leave()) {
            log.fine("leaving once the accepting thread has given its turn back: " + why);
            return false;
        }
        halt(status, why);
        return true;
    }

    /** Exits whatever the accept turn is doing: only for a worker that must go now. */
    private void halt(int status, String why) {
        slot.state(WorkerState.EXITING);
        log.fine("exiting: " + why);
        Runtime.getRuntime().halt(status);
    }
}
