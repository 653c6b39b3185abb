package dev.prefork.supervisor;

import dev.prefork.posix.Posix;

import java.util.concurrent.BlockingQueue;

/**
 * Reaps every child the moment it exits (so there is never a zombie) and queues the exit for the
 * arbiter. It blocks in {@code waitpid(-1)}; while there are no children it waits to be told that one
 * was spawned.
 */
final class Reaper implements Runnable {
    private final BlockingQueue<Event> events;
    private final Object spawned = new Object();
    private long spawnCount;

    Reaper(BlockingQueue<Event> events) {
        this.events = events;
    }

    /** Called by the arbiter after every spawn. */
    void childSpawned() {
        synchronized (spawned) {
            spawnCount++;
            spawned.notifyAll();
        }
    }

    @Override
    public void run() {
        while (true) {
            long seen;
            synchronized (spawned) {
                seen = spawnCount;
            }
            long[] exited = Posix.waitAnyChild(true);
            if (exited[0] > 0) {
                try {
                    events.put(new Event.ChildExited(exited[0], (int) exited[1]));
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            synchronized (spawned) {
                while (spawnCount == seen) {
                    try {
                        spawned.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }
}
