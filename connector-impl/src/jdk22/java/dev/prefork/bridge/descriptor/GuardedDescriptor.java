package dev.prefork.bridge.descriptor;

import dev.prefork.posix.SocketCalls;

import java.io.IOException;

/**
 * A client socket's descriptor shared by the threads that read, write and close it. It is closed only
 * when no call is using it, so a thread still blocked in read can never find the number reused by the
 * next client's socket; closing while calls run shuts the socket down to wake them, and the last one
 * out closes it.
 */
final class GuardedDescriptor {
    private final int fd;
    private int users;
    private boolean closing;

    GuardedDescriptor(int fd) {
        this.fd = fd;
    }

    /**
     * The descriptor itself, for the one thread that holds the connection before any handler has it
     * (peeking for its first bytes, watching it in the poller); later calls go through {@link #acquire()}.
     */
    int unshared() {
        return fd;
    }

    /** The descriptor, for one call; pair with {@link #release()}. */
    synchronized int acquire() throws IOException {
        if (closing) {
            throw new IOException("the connection is closed");
        }
        users++;
        return fd;
    }

    void release() {
        boolean last;
        synchronized (this) {
            users--;
            last = closing && users == 0;
        }
        if (last) {
            SocketCalls.closeQuietly(fd);
        }
    }

    /** Closes now, or when the calls in progress (woken by a shutdown) have returned. */
    void close() {
        boolean now;
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            now = users == 0;
        }
        if (now) {
            SocketCalls.closeQuietly(fd);
        } else {
            SocketCalls.shutdownQuietly(fd);
        }
    }

    /** Shuts the socket down both ways (if still open), waking every call blocked on it. */
    synchronized void shutdown() {
        if (!closing) {
            SocketCalls.shutdownQuietly(fd);
        }
    }

    @Override
    public String toString() {
        return "fd " + fd;
    }
}
