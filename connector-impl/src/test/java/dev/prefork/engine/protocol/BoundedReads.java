package dev.prefork.engine.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/** Reads for tests that must see a peer close a connection, each bounded in time. */
public final class BoundedReads {
    private BoundedReads() {
    }

    /**
     * One blocking read, bounded: a watchdog closes the channel if it takes longer (then it counts as -2).
     * A reset (the peer closed with our bytes unread) counts as end of stream, -1.
     */
    public static int readWithin(SocketChannel channel, ByteBuffer into, Duration timeout) throws InterruptedException {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(timeout.toMillis());
                channel.close();
            } catch (InterruptedException | IOException e) {
                // the read finished first
            }
        }, "bounded-read-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            return channel.read(into);
        } catch (AsynchronousCloseException e) {
            return -2;
        } catch (IOException e) {
            return -1;
        } finally {
            watchdog.interrupt();
            watchdog.join();
        }
    }

    /** Whether the peer closed {@code channel} (end of stream or reset) within {@code timeout}. */
    public static boolean closedByPeerWithin(SocketChannel channel, Duration timeout) throws InterruptedException {
        return readWithin(channel, ByteBuffer.allocate(1), timeout) == -1;
    }
}
