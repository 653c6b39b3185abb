package dev.prefork.bridge.descriptor;

import dev.prefork.engine.protocol.LogThrottle;
import dev.prefork.posix.Epoll;
import dev.prefork.posix.PosixException;
import dev.prefork.posix.SocketCalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where connections wait for their client's first bytes ({@code deliver_on first_byte}): one thread and
 * one epoll instance for all of them, so a client that connects and says nothing costs a descriptor and
 * a map entry, not a thread or a bean. A connection whose client sends is passed on; one that closes
 * without a word, or stays silent past {@code first_byte_timeout}, is closed and counted, and either way
 * its slot is given back.
 */
final class FirstBytePoller implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(FirstBytePoller.class.getName());
    /** Readiness reports taken per epoll_wait: more simply wait for the next call. */
    private static final int EVENTS_PER_WAIT = 256;

    /** A connection waiting for its first bytes, and since when. */
    record Waiting(GuardedDescriptor socket, Runnable deliver, Runnable release, String peer, long sinceNanos) {
    }

    private final String name;
    /** first_byte_timeout; changeable while connections wait, and then it applies to them too. */
    private volatile long timeoutNanos;
    private final Epoll epoll = new Epoll(EVENTS_PER_WAIT);
    /** By token, in the order they came, which is also the order of their deadlines (one timeout for all at any time). */
    private final LinkedHashMap<Long, Waiting> waiting = new LinkedHashMap<>();
    private final Thread thread;
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong leftSilent = new AtomicLong();
    private final LogThrottle timeoutLines = new LogThrottle(10, TimeUnit.SECONDS);
    private long nextToken;
    private volatile boolean closed;

    /** Starts the poller's thread; {@code timeoutMillis} 0 lets a connection wait for ever. */
    FirstBytePoller(String name, long timeoutMillis) {
        this.name = name;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.thread = new Thread(this::run, "prefork-first-byte-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Watches {@code socket} until its client sends, then runs {@code deliver} (on the poller's thread:
     * it must hand the work on at once); when the client leaves or times out first, closes the socket and
     * runs {@code release}.
     */
    void await(GuardedDescriptor socket, String peer, Runnable deliver, Runnable release) {
        long token;
        boolean first = false;
        Waiting entry = new Waiting(socket, deliver, release, peer, System.nanoTime());
        synchronized (waiting) {
            if (closed) {
                token = -1;
            } else {
                token = ++nextToken;
                first = waiting.isEmpty();
                waiting.put(token, entry);
            }
        }
        if (token < 0) {
            giveUp(entry);
            return;
        }
        try {
            epoll.watch(socket.unshared(), token);
        } catch (PosixException e) {
            synchronized (waiting) {
                if (waiting.remove(token) == null) {
                    return; // close() took it meanwhile
                }
            }
            LOG.warning(name + ": cannot watch the connection from " + peer + " for its first bytes (" + e.getMessage()
                    + "); closing it");
            giveUp(entry);
        }
        if (first && timeoutNanos > 0) {
            epoll.wake(); // the poller waits without a deadline while nobody waits
        }
    }

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            SocketCalls calls = new SocketCalls(arena);
            MemorySegment scratch = arena.allocate(1);
            List<Waiting> ready = new ArrayList<>();
            while (!closed) {
                int n = epoll.await(millisToNextDeadline());
                synchronized (waiting) {
                    for (int i = 0; i < n; i++) {
                        Waiting entry = waiting.remove(epoll.token(i));
                        if (entry != null) {
                            ready.add(entry);
                        }
                    }
                }
                for (Waiting entry : ready) {
                    passOn(entry, calls, scratch);
                }
                ready.clear();
                closeExpired();
            }
        } catch (RuntimeException | Error e) {
            if (!closed) {
                LOG.log(Level.SEVERE, name + ": the first-byte poller failed; connections waiting in it are closed", e);
            }
        } finally {
            closeAll();
        }
    }

    /** Delivers a connection that became readable, unless what arrived was the end of the stream. */
    private void passOn(Waiting entry, SocketCalls calls, MemorySegment scratch) {
        int peeked;
        try {
            peeked = calls.peek(entry.socket().unshared(), scratch);
        } catch (PosixException e) {
            peeked = 0; // reset or failed: nothing to serve
        }
        if (peeked == 0) {
            leftSilent.incrementAndGet();
            LOG.fine(() -> name + ": " + entry.peer() + " closed its connection without sending anything");
            giveUp(entry);
            return;
        }
        // peeked -1 (readable, yet nothing to peek by now) can only be a spurious report: the handler reads and waits.
        try {
            entry.deliver().run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, name + ": delivering the connection from " + entry.peer() + " failed", e);
        }
    }

    private int millisToNextDeadline() {
        long timeout = timeoutNanos;
        if (timeout == 0) {
            return -1;
        }
        synchronized (waiting) {
            Iterator<Waiting> first = waiting.values().iterator();
            if (!first.hasNext()) {
                return -1;
            }
            long left = first.next().sinceNanos() + timeout - System.nanoTime();
            // Rounded up, so that a wake-up finds the deadline passed rather than spinning just before it.
            return (int) Math.max(0, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left) + 1));
        }
    }

    private void closeExpired() {
        long timeout = timeoutNanos;
        if (timeout == 0) {
            return;
        }
        long now = System.nanoTime();
        List<Waiting> expired = new ArrayList<>();
        synchronized (waiting) {
            Iterator<Waiting> entries = waiting.values().iterator();
            while (entries.hasNext()) {
                Waiting entry = entries.next();
                if (entry.sinceNanos() + timeout - now > 0) {
                    break;
                }
                entries.remove();
                expired.add(entry);
            }
        }
        for (Waiting entry : expired) {
            long count = timedOut.incrementAndGet();
            String line = timeoutLines.line(name + ": closed the connection from " + entry.peer() + ": nothing sent for "
                    + TimeUnit.NANOSECONDS.toMillis(timeout) + " ms (first_byte_timeout); " + count + " so far");
            if (line != null) {
                LOG.warning(line);
            }
            giveUp(entry);
        }
    }

    private static void giveUp(Waiting entry) {
        entry.socket().close();
        entry.release().run();
    }

    private void closeAll() {
        List<Waiting> left;
        synchronized (waiting) {
            closed = true;
            left = new ArrayList<>(waiting.values());
            waiting.clear();
        }
        left.forEach(FirstBytePoller::giveUp);
    }

    /** Changes {@code first_byte_timeout} (0: none), for the connections waiting now too. */
    void timeout(long millis) {
        timeoutNanos = TimeUnit.MILLISECONDS.toNanos(millis);
        epoll.wake(); // the next deadline may be sooner, or there may be one now where there was none
    }

    /** Connections that were closed because they sent nothing within {@code first_byte_timeout}. */
    long timedOut() {
        return timedOut.get();
    }

    /** Connections waiting now. */
    int waiting() {
        synchronized (waiting) {
            return waiting.size();
        }
    }

    /** Closes every waiting connection and stops the thread. */
    @Override
    public void close() {
        closed = true;
        epoll.wake();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeAll();
        if (!thread.isAlive()) {
            epoll.close();
        }
    }
}
