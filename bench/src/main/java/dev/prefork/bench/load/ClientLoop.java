package dev.prefork.bench.load;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One client: sends the request line and reads it back, in its mode, until the deadline or its request
 * budget. Runs on a platform thread and blocking sockets: the plainest client, the same for every server.
 */
final class ClientLoop implements Runnable {
    static final byte[] REQUEST = "prefork-bench 0123456789abcdef\n".getBytes(StandardCharsets.US_ASCII);
    static final long HIGHEST_MICROS = 120_000_000;

    /** How often a silent connection looks at {@link #stop} while it waits for the server. */
    private static final int SILENT_CHECK_MILLIS = 100;

    private final LoadSpec spec;
    private final long deadlineNanos;
    /** Set to end the run before its deadline: a background load ends when the measured run has. */
    private final BooleanSupplier stop;
    private final InetSocketAddress address;
    private final byte[] reply = new byte[REQUEST.length];
    /** What a new connection sends first: the spec's prefix (a PROXY header) and the request, in one write. */
    private final byte[] firstWrite;
    private long keptRequests;
    final Histogram latency = new Histogram(HIGHEST_MICROS, 3);
    final Map<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);
    long successes;
    private Socket kept;

    ClientLoop(LoadSpec spec, long deadlineNanos, BooleanSupplier stop) {
        this.spec = spec;
        this.deadlineNanos = deadlineNanos;
        this.stop = stop;
        this.address = new InetSocketAddress(spec.host(), spec.port());
        this.firstWrite = java.util.Arrays.copyOf(spec.prefix(), spec.prefix().length + REQUEST.length);
        System.arraycopy(REQUEST, 0, firstWrite, spec.prefix().length, REQUEST.length);
    }

    @Override
    public void run() {
        try {
            for (long n = 0; n < spec.maxRequestsPerClient() && System.nanoTime() < deadlineNanos && !stop.getAsBoolean(); n++) {
                long start = System.nanoTime();
                ErrorKind failure = switch (spec.mode()) {
                    case KEEPALIVE -> keepAliveRequest();
                    case SILENT -> silentConnection();
                    default -> connectionRequest();
                };
                if (failure == null) {
                    successes++;
                    latency.recordValue(Math.min(HIGHEST_MICROS, (System.nanoTime() - start) / 1000));
                } else {
                    errors.merge(failure, 1L, Long::sum);
                    pauseAfterError();
                }
            }
        } finally {
            if (kept != null) {
                close(kept);
            }
        }
    }

    /** One request on a new connection (modes CONN and HOLD). */
    private ErrorKind connectionRequest() {
        Socket socket = new Socket();
        boolean connecting = true;
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, (int) spec.ioTimeout().toMillis());
            connecting = false;
            socket.setSoTimeout((int) spec.ioTimeout().toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(firstWrite);
            if (spec.mode() == Mode.HOLD) {
                Thread.sleep(spec.hold().toMillis());
            }
            return readReply(socket.getInputStream());
        } catch (IOException e) {
            return ErrorKind.of(e, connecting);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ErrorKind.OTHER;
        } finally {
            close(socket);
        }
    }

    /**
     * Mode SILENT: a connection that sends nothing, held until the server closes it (or resets it), the
     * deadline or the stop; counted as one success either way, since what it costs the server is what is measured.
     */
    private ErrorKind silentConnection() {
        Socket socket = new Socket();
        boolean connecting = true;
        try {
            socket.connect(address, (int) spec.ioTimeout().toMillis());
            connecting = false;
            InputStream in = socket.getInputStream();
            while (true) {
                long left = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
                if (left <= 0 || stop.getAsBoolean()) {
                    return null; // the run is over
                }
                socket.setSoTimeout((int) Math.min(SILENT_CHECK_MILLIS, left));
                try {
                    if (in.read() < 0) {
                        return null; // the server closed it (first_byte_timeout)
                    }
                } catch (java.net.SocketTimeoutException e) {
                    // still silent: look at the deadline and the stop again
                }
            }
        } catch (IOException e) {
            return connecting ? ErrorKind.of(e, true) : null;
        } finally {
            close(socket);
        }
    }

    /** One request on this client's kept connection, opened when there is none. */
    private ErrorKind keepAliveRequest() {
        boolean connecting = false;
        try {
            if (kept == null) {
                connecting = true;
                Socket socket = new Socket();
                kept = socket;
                keptRequests = 0;
                socket.setTcpNoDelay(true);
                socket.connect(address, (int) spec.ioTimeout().toMillis());
                socket.setSoTimeout((int) spec.ioTimeout().toMillis());
                connecting = false;
            }
            kept.getOutputStream().write(keptRequests++ == 0 ? firstWrite : REQUEST);
            ErrorKind failure = readReply(kept.getInputStream());
            if (failure != null) {
                close(kept);
                kept = null;
            }
            return failure;
        } catch (IOException e) {
            close(kept);
            kept = null;
            return ErrorKind.of(e, connecting);
        }
    }

    private ErrorKind readReply(InputStream in) throws IOException {
        Replies.readFully(in, reply);
        return Arrays.equals(reply, REQUEST) ? null : ErrorKind.MISMATCH;
    }

    /** Closes with RST (SO_LINGER 0) when asked: no TIME_WAIT on the client's side. */
    private void close(Socket socket) {
        try {
            if (spec.rstClose() && socket.isConnected() && !socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
            socket.close();
        } catch (IOException ignored) {
            // nothing to do about a failed close
        }
    }

    /** A refused or reset connection comes back at once: do not spin on a server that is down. */
    private static void pauseAfterError() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
