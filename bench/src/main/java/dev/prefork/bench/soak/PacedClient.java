package dev.prefork.bench.soak;

import dev.prefork.bench.load.ErrorKind;
import dev.prefork.bench.load.Replies;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One soak client: a request line echoed back, at a fixed rate, on a new connection each time or on one
 * kept connection (reopened after a failure). Paced rather than flat out, so that the pool recycles under
 * a steady load a machine shared with other work can carry, and a failure means something.
 */
final class PacedClient implements Runnable {
    private static final int IO_TIMEOUT_MILLIS = 5_000;

    private final int id;
    private final InetSocketAddress address;
    private final boolean keepAlive;
    private final long periodNanos;
    private final long deadlineNanos;
    private final FailureLog failures;
    private final byte[] request;
    private final byte[] reply;
    final AtomicLong successes = new AtomicLong();
    private Socket kept;

    PacedClient(int id, int port, boolean keepAlive, double requestsPerSecond, long deadlineNanos, FailureLog failures) {
        this.id = id;
        this.address = new InetSocketAddress("127.0.0.1", port);
        this.keepAlive = keepAlive;
        this.periodNanos = (long) (1e9 / requestsPerSecond);
        this.deadlineNanos = deadlineNanos;
        this.failures = failures;
        this.request = ("soak " + (keepAlive ? "keepalive" : "conn") + " client " + id + "\n").getBytes(StandardCharsets.US_ASCII);
        this.reply = new byte[request.length];
    }

    @Override
    public void run() {
        long next = System.nanoTime();
        try {
            while (next < deadlineNanos) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                next += periodNanos;
                String failure = keepAlive ? onKeptConnection() : onNewConnection();
                if (failure == null) {
                    successes.incrementAndGet();
                } else {
                    failures.record(id, keepAlive ? "keepalive" : "conn", failure);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close(kept);
        }
    }

    /** Null when echoed; otherwise "kind: detail". */
    private String onNewConnection() {
        boolean connecting = true;
        try (Socket socket = new Socket()) {
            socket.setSoLinger(true, 0); // RST: the client's ports do not pile up in TIME_WAIT over ten minutes
            socket.connect(address, IO_TIMEOUT_MILLIS);
            connecting = false;
            return exchange(socket);
        } catch (IOException e) {
            return describe(e, connecting);
        }
    }

    private String onKeptConnection() {
        boolean connecting = false;
        try {
            if (kept == null) {
                connecting = true;
                kept = new Socket();
                kept.connect(address, IO_TIMEOUT_MILLIS);
                connecting = false;
            }
            String failure = exchange(kept);
            if (failure != null) {
                close(kept);
                kept = null;
            }
            return failure;
        } catch (IOException e) {
            close(kept);
            kept = null;
            return describe(e, connecting);
        }
    }

    private String exchange(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(IO_TIMEOUT_MILLIS);
        socket.getOutputStream().write(request);
        Replies.readFully(socket.getInputStream(), reply);
        return Arrays.equals(reply, request) ? null : ErrorKind.MISMATCH.name().toLowerCase(java.util.Locale.ROOT) + ": wrong bytes";
    }

    private static String describe(IOException e, boolean connecting) {
        return ErrorKind.of(e, connecting).name().toLowerCase(java.util.Locale.ROOT) + ": " + e;
    }

    private static void close(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do about a failed close
            }
        }
    }
}
