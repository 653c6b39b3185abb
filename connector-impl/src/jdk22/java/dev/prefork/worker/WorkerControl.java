package dev.prefork.worker;

import dev.prefork.engine.WorkerState;
import dev.prefork.engine.protocol.Scoreboard;
import dev.prefork.engine.protocol.ProcessLog;

/**
 * Whether this worker may take another connection. The supervisor (or its disappearance) asks the
 * worker to quit from another thread. The one rule: a client this worker has accepted is served.
 * So a worker that is waiting for its turn (or backing off) leaves at once; one that is in accept()
 * is woken and leaves by itself, serving the client accept may already have taken (the kernel can
 * hand one over at any instant until accept returns: halting then would reset that client); a busy
 * one leaves after its connection; and one whose connection outlasts the grace period is cut off.
 */
final class WorkerControl {
    /** Not in accept and holding no client: halting loses nothing. */
    private static final int IDLE = 0;
    /** In accept, or about to be: a client may be ours at any instant. */
    private static final int ACCEPTING = 1;
    /** Holding a client (serving, refusing, or just accepted). */
    private static final int BUSY = 2;
    /** How long the quitting thread waits for the accepting thread before it wakes it again. */
    private static final long WAKE_AGAIN_MILLIS = 20;

    private final Scoreboard.Slot slot;
    private final AcceptLock turn;
    private final ProcessLog log;
    private final long graceMillis;
    /** Ends the process; a test stands in for it. */
    private final Exit exit;
    /** Wakes the accepting thread from accept(); set before the first accept. */
    private Waker waker;
    /** What the accepting thread is doing; guarded by this, like {@link #quitting}. */
    private int phase = IDLE;
    private boolean quitting;
    /**
     * Held by the supervisor: its successor is not accepting yet, so it serves on past max_requests rather
     * than leave its pool short (the supervisor releases it, within a bound; see the supervisor's Successors).
     */
    private boolean held;
    /** Served its max_requests and goes on only because it is held: a release ends it. */
    private boolean pastLimit;

    /** How a thread blocked in accept() is made to return (see {@code Handover.wakeAccept}). */
    interface Waker {
        /** False when it cannot. */
        boolean wake();
    }

    /** How the process ends: {@code Runtime.halt} outside tests ({@code WorkerMain}). */
    interface Exit {
        void halt(int status);
    }

    WorkerControl(Scoreboard.Slot slot, AcceptLock turn, ProcessLog log, long graceMillis, Exit exit) {
        this.slot = slot;
        this.turn = turn;
        this.log = log;
        this.graceMillis = graceMillis;
        this.exit = exit;
    }

    synchronized void wakeWith(Waker waker) {
        this.waker = waker;
    }

    /** The accepting thread is about to call accept(); false when the worker is quitting and must not. */
    synchronized boolean enterAccept() {
        if (quitting) {
            return false;
        }
        phase = ACCEPTING;
        return true;
    }

    /**
     * The accepting thread is out of accept(), holding a client or not. A client is served even when
     * the worker was told to quit meanwhile: the worker leaves after it.
     */
    synchronized void leftAccept(boolean holdingClient) {
        phase = holdingClient ? BUSY : IDLE;
        notifyAll(); // a quitting thread waiting for us to leave accept()
    }

    synchronized void endConnection() {
        phase = IDLE;
    }

    synchronized boolean quitting() {
        return quitting;
    }

    /**
     * The accepting thread, between connections: whether it may take another, given whether it has served
     * its max_requests. Past its limit only while held; then a release makes it leave (see {@link #release}).
     */
    synchronized boolean mayTakeAnother(boolean servedItsLimit) {
        if (quitting) {
            return false;
        }
        if (servedItsLimit) {
            pastLimit = true;
            return held;
        }
        return true;
    }

    /** The supervisor holds this worker: at max_requests it serves on until released. */
    synchronized void hold() {
        held = true;
    }

    /**
     * The supervisor releases this worker (its successor accepts, or it was held long enough): it leaves at
     * max_requests as usual, or, if it is already past it, now, as a retiring worker does.
     */
    void release() {
        boolean leave;
        synchronized (this) {
            held = false;
            leave = pastLimit;
        }
        if (leave) {
            requestQuit("released past max_requests: its successor accepts");
        }
    }

    /**
     * Retire (the pool shrinks, drains or restarts): the same as quitting, which never loses a client
     * this worker accepted; the supervisor sends it as a message of its own so the log says which.
     */
    void requestRetire(String why) {
        requestQuit(why);
    }

    /** Quit: now when idle (waiting for the turn), after accept() when in it, else when the current connection ends. */
    void requestQuit(String why) {
        synchronized (this) {
            if (quitting) {
                return;
            }
            quitting = true;
            if (phase == IDLE && exitNow(0, why)) {
                return; // not reached: exited
            }
            if (phase == ACCEPTING) {
                wakeFromAccept();
            }
        }
        log.fine("quitting after the current connection: " + why);
        // Also the backstop for a worker that could not be woken from accept().
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
     * Wakes the accepting thread until it is out of accept(); called with the lock held, which
     * {@code wait} gives up meanwhile. A wake-up can come just before the thread enters the system
     * call and be lost, hence the repeats; each costs nothing to a thread that is not blocked.
     * Bounded by the grace period, after which the cutoff ends the process anyway.
     */
    private void wakeFromAccept() {
        long deadline = System.nanoTime() + graceMillis * 1_000_000L;
        while (phase == ACCEPTING && waker != null && System.nanoTime() < deadline) {
            if (!waker.wake()) {
                return;
            }
            try {
                wait(WAKE_AGAIN_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Leaves at once, having given back the accept turn if this worker holds it (the kernel closes the
     * sockets, and the supervisor reaps us). Only for a worker that holds no client and is not in
     * accept(), or the accepting thread itself once it is done. Returns false, without exiting, only
     * when the accepting thread is in the middle of taking the turn: it was woken, and leaves by itself.
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
        exit.halt(status);
    }
}
