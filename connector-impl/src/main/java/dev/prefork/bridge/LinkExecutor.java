package dev.prefork.bridge;

import java.util.concurrent.Executor;

/**
 * An {@link Executor} for handlers that can also lend one thread to a worker for the worker's life.
 *
 * <p>With {@code handoff descriptor} each worker hands over its clients one after another on a link of
 * its own. Given such a thread, the link's loop receives each client and runs its handler right there:
 * one thread wake-up per connection fewer than handing every connection to the executor. Without one
 * (plain {@code Executor}, or {@link #startLinkLoop} said no), the engine reads the link on a thread of
 * its own and hands each connection to {@link #execute}.
 */
public interface LinkExecutor extends Executor {
    /**
     * Starts {@code linkLoop} on a thread it may keep until the loop returns (when the worker leaves or
     * the pool stops). Returns false when no such thread could be had within a short time; the loop must
     * then not be run later.
     */
    boolean startLinkLoop(Runnable linkLoop, String name);
}
