package dev.prefork.engine.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * Accepts connections on a listening socket and reads each one's first message (a worker's hello, a
 * bridge header) without letting one peer hold up another: one selector thread reads every pending
 * connection as its bytes come, each with a deadline and a byte limit, and at most {@code maxPending}
 * wait at once (when all are taken, the one that waited longest is dropped: a real peer sends its
 * message the moment it connects, so the oldest is the likeliest to be silent). A complete message is
 * handed to the {@link Delivery} on this thread with its channel back in blocking mode; a bad, late or
 * truncated one is closed and reported, throttled. Nothing past the message is read: the framing says
 * how many bytes it needs, and the rest stays in the socket for whoever serves the connection.
 */
public final class FirstMessageGate implements Runnable {
    /** How long accepting pauses after accept() failed (descriptors exhausted, say), so that it does not spin. */
    private static final long ACCEPT_PAUSE_MILLIS = 100;

    /** Where a first message ends. */
    public interface Framing {
        /** The longest message there can be; a buffer of this size is kept per pending connection. */
        int maxLength();

        /**
         * How many bytes the message has in all, as far as {@code soFar} (the bytes read, from index 0 to
         * its limit) tells: its limit when the message is complete, more when bytes are missing.
         *
         * @throws IOException when {@code soFar} cannot begin a valid message
         */
        int lengthSoFar(ByteBuffer soFar) throws IOException;
    }

    /** Takes a connection whose first message is complete. */
    public interface Delivery {
        /**
         * {@code message} holds exactly the first message; {@code channel} is in blocking mode and now
         * belongs to the delivery, which must close it if it fails.
         */
        void deliver(SocketChannel channel, ByteBuffer message);
    }

    private final ServerSocketChannel server;
    private final Framing framing;
    private final long timeoutNanos;
    /** Read for every connection: a pool's bound follows its size. */
    private final IntSupplier maxPending;
    private final Delivery delivery;
    private final Consumer<String> complaints;
    private final LogThrottle complaintThrottle = new LogThrottle(10, TimeUnit.SECONDS);
    private final LogThrottle acceptThrottle = new LogThrottle(10, TimeUnit.SECONDS);
    private final Selector selector;
    /** Pending connections in the order they came, which is also the order of their deadlines. */
    private final Map<SelectionKey, Pending> pending = new LinkedHashMap<>();
    private volatile boolean stopped;
    private long acceptPausedUntilNanos;
    private boolean acceptPaused;

    /**
     * @param server     a bound listening channel; the gate makes it non-blocking, its owner closes it
     * @param complaints where a dropped connection is reported (already throttled)
     */
    public FirstMessageGate(ServerSocketChannel server, Framing framing, long timeout, TimeUnit unit, int maxPending,
                            Delivery delivery, Consumer<String> complaints) throws IOException {
        this(server, framing, timeout, unit, constant(maxPending), delivery, complaints);
    }

    /** As the other constructor, with a bound that may change (it is read for every new connection). */
    public FirstMessageGate(ServerSocketChannel server, Framing framing, long timeout, TimeUnit unit, IntSupplier maxPending,
                            Delivery delivery, Consumer<String> complaints) throws IOException {
        this.server = server;
        this.framing = framing;
        this.timeoutNanos = unit.toNanos(timeout);
        this.maxPending = maxPending;
        this.delivery = delivery;
        this.complaints = complaints;
        this.selector = Selector.open();
        try {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
    }

    /** How many connections wait for their first message now (for tests and status). */
    public synchronized int pendingCount() {
        return pending.size();
    }

    /** Ends {@link #run()}: the pending connections are closed there. */
    public void stop() {
        stopped = true;
        selector.wakeup();
    }

    private static IntSupplier constant(int maxPending) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1");
        }
        return () -> maxPending;
    }

    @Override
    public void run() {
        try {
            while (!stopped) {
                selector.select(millisToNextDuty());
                if (stopped) {
                    break;
                }
                List<Map.Entry<SocketChannel, ByteBuffer>> complete = new ArrayList<>();
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.channel() == server) {
                        acceptAll();
                    } else {
                        readSome(key, complete);
                    }
                }
                expireOverdue();
                resumeAcceptingWhenDue();
                handOver(complete);
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!stopped) {
                complaints.accept("stopped reading first messages: " + e);
            }
        } finally {
            closeEverything();
        }
    }

    private long millisToNextDuty() {
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        synchronized (this) {
            if (!pending.isEmpty()) {
                next = pending.values().iterator().next().deadlineNanos;
            }
        }
        if (acceptPaused) {
            next = Math.min(next, acceptPausedUntilNanos);
        }
        if (next == Long.MAX_VALUE) {
            return 0; // no deadline: wait for I/O or stop()
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - now) + 1);
    }

    private void acceptAll() {
        while (true) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                // EMFILE and friends: accept() would fail again at once; pause instead of spinning.
                pauseAccepting(e);
                return;
            }
            if (channel == null) {
                return;
            }
            try {
                channel.configureBlocking(false);
                SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
                synchronized (this) {
                    if (pending.size() >= Math.max(1, maxPending.getAsInt())) {
                        evictOldest();
                    }
                    pending.put(key, new Pending(channel, ByteBuffer.allocate(framing.maxLength()),
                            System.nanoTime() + timeoutNanos));
                }
            } catch (IOException e) {
                closeQuietly(channel);
                complain("dropped a connection that could not be registered: " + e);
            }
        }
    }

    private void pauseAccepting(IOException cause) {
        acceptPaused = true;
        acceptPausedUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACCEPT_PAUSE_MILLIS);
        SelectionKey key = server.keyFor(selector);
        if (key != null && key.isValid()) {
            key.interestOps(0);
        }
        String line = acceptThrottle.line("accept failed (" + cause.getMessage() + "); pausing accepting for "
                + ACCEPT_PAUSE_MILLIS + " ms at a time");
        if (line != null) {
            complaints.accept(line);
        }
    }

    private void resumeAcceptingWhenDue() {
        if (acceptPaused && System.nanoTime() - acceptPausedUntilNanos >= 0) {
            acceptPaused = false;
            SelectionKey key = server.keyFor(selector);
            if (key != null && key.isValid()) {
                key.interestOps(SelectionKey.OP_ACCEPT);
            }
        }
    }

    private void evictOldest() {
        Iterator<Map.Entry<SelectionKey, Pending>> oldest = pending.entrySet().iterator();
        Map.Entry<SelectionKey, Pending> entry = oldest.next();
        oldest.remove();
        entry.getKey().cancel();
        closeQuietly(entry.getValue().channel);
        complain("dropped the connection that waited longest for its first message: " + (pending.size() + 1)
                + " connections were waiting at once");
    }

    private void readSome(SelectionKey key, List<Map.Entry<SocketChannel, ByteBuffer>> complete) {
        Pending connection;
        synchronized (this) {
            connection = pending.get(key);
        }
        if (connection == null) {
            return;
        }
        ByteBuffer buffer = connection.buffer;
        try {
            while (true) {
                int wanted = framing.lengthSoFar(buffer.duplicate().flip());
                if (wanted == buffer.position()) {
                    drop(key);
                    buffer.flip();
                    complete.add(Map.entry(connection.channel, buffer));
                    return;
                }
                if (wanted > framing.maxLength() || wanted < buffer.position()) {
                    throw new IOException("a first message of " + wanted + " bytes (at most " + framing.maxLength() + ")");
                }
                // Exactly up to the end of what the message still needs: the bytes behind it are not ours.
                buffer.limit(wanted);
                int read = connection.channel.read(buffer);
                if (read < 0) {
                    throw new IOException("closed after " + buffer.position() + " bytes of its first message");
                }
                if (read == 0) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            drop(key);
            closeQuietly(connection.channel);
            complain("dropped a connection: " + e.getMessage());
        }
    }

    private void expireOverdue() {
        long now = System.nanoTime();
        while (true) {
            Map.Entry<SelectionKey, Pending> oldest;
            synchronized (this) {
                if (pending.isEmpty()) {
                    return;
                }
                oldest = pending.entrySet().iterator().next();
                if (now - oldest.getValue().deadlineNanos < 0) {
                    return;
                }
            }
            drop(oldest.getKey());
            closeQuietly(oldest.getValue().channel);
            complain("dropped a connection that sent " + oldest.getValue().buffer.position() + " bytes and no complete"
                    + " first message within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
        }
    }

    private synchronized void drop(SelectionKey key) {
        pending.remove(key);
        key.cancel();
    }

    /** Back to blocking mode (once the selector has let go of the cancelled keys) and on to the delivery. */
    private void handOver(List<Map.Entry<SocketChannel, ByteBuffer>> complete) throws IOException {
        if (complete.isEmpty()) {
            return;
        }
        selector.selectNow();
        for (Map.Entry<SocketChannel, ByteBuffer> entry : complete) {
            SocketChannel channel = entry.getKey();
            try {
                channel.configureBlocking(true);
                delivery.deliver(channel, entry.getValue());
            } catch (IOException | RuntimeException e) {
                closeQuietly(channel);
                complain("dropped a connection after its first message: " + e);
            }
        }
    }

    private void complain(String text) {
        String line = complaintThrottle.line(text);
        if (line != null) {
            complaints.accept(line);
        }
    }

    private void closeEverything() {
        synchronized (this) {
            for (Pending connection : pending.values()) {
                closeQuietly(connection.channel);
            }
            pending.clear();
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // dropping it anyway
        }
    }

    private static final class Pending {
        final SocketChannel channel;
        final ByteBuffer buffer;
        final long deadlineNanos;

        Pending(SocketChannel channel, ByteBuffer buffer, long deadlineNanos) {
            this.channel = channel;
            this.buffer = buffer;
            this.deadlineNanos = deadlineNanos;
        }
    }
}
