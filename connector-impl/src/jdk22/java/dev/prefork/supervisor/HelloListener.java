package dev.prefork.supervisor;

import dev.prefork.engine.protocol.FirstMessageGate;
import dev.prefork.engine.protocol.ProcessLog;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The supervisor's socket for its workers. Each worker connects once, when it reaches its accept loop,
 * and says {@code hello PID}; the connection then stays open, so that the supervisor can ask the worker
 * to quit, and the worker sees end of stream the moment the supervisor dies.
 *
 * <p>Hellos are read through a {@link FirstMessageGate}: all at once, each within a deadline and a byte
 * limit, so that a connection that says nothing (or nonsense) costs only itself, never the pool.
 */
final class HelloListener implements Runnable, AutoCloseable {
    private static final int HELLO_LIMIT = 64;
    /** A worker writes its hello the moment it connects; one silent this long is not a worker of ours. */
    private static final long HELLO_TIMEOUT_MILLIS = 10_000;

    private final Path path;
    private final ServerSocketChannel server;
    private final BlockingQueue<Event> events;
    private final ProcessLog log;
    private final FirstMessageGate gate;

    /**
     * @param maxPending how many connections may wait for their hello at once: every worker there can
     *                   be (the scoreboard's slots) plus a margin
     */
    HelloListener(Path path, BlockingQueue<Event> events, int maxPending, ProcessLog log) throws IOException {
        this.path = path;
        this.events = events;
        this.log = log;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path), 1024);
            this.gate = new FirstMessageGate(server, HELLO_FRAMING, HELLO_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS, maxPending,
                    this::deliver, complaint -> log.warning("hello socket: " + complaint));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    /** Accepts links and reads every one's hello at once, each in bounded time; the arbiter keeps the channel. */
    @Override
    public void run() {
        gate.run();
    }

    /** A hello is one line, "hello PID\n", of at most {@link #HELLO_LIMIT} bytes: read up to its newline. */
    static final FirstMessageGate.Framing HELLO_FRAMING = new FirstMessageGate.Framing() {
        @Override
        public int maxLength() {
            return HELLO_LIMIT;
        }

        @Override
        public int lengthSoFar(ByteBuffer soFar) throws IOException {
            int count = soFar.limit();
            if (count > 0 && soFar.get(count - 1) == '\n') {
                return count;
            }
            if (count >= HELLO_LIMIT) {
                throw new IOException("no newline in the first " + HELLO_LIMIT + " bytes of a hello");
            }
            return count + 1;
        }
    };

    private void deliver(SocketChannel link, ByteBuffer message) {
        long pid = parseHello(message);
        if (pid < 0) {
            log.warning("hello socket: dropped a connection that said " + printable(message) + " instead of hello PID");
            closeQuietly(link);
            return;
        }
        try {
            events.put(new Event.WorkerHello(pid, link));
        } catch (InterruptedException e) {
            closeQuietly(link);
            Thread.currentThread().interrupt();
            gate.stop();
        }
    }

    /** The PID in "hello PID\n", or -1 when {@code line} is anything else. */
    static long parseHello(ByteBuffer line) {
        String text = StandardCharsets.US_ASCII.decode(line.duplicate()).toString();
        if (!text.startsWith("hello ") || !text.endsWith("\n")) {
            return -1;
        }
        String digits = text.substring(6, text.length() - 1);
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(digits);
    }

    /** What a bad hello said, quoted and with control and non-ASCII bytes escaped, for the log. */
    private static String printable(ByteBuffer message) {
        StringBuilder text = new StringBuilder("\"");
        for (int i = message.position(); i < message.limit(); i++) {
            int b = message.get(i) & 0xff;
            if (b >= 0x20 && b < 0x7f && b != '\\' && b != '"') {
                text.append((char) b);
            } else {
                text.append(String.format("\\x%02x", b));
            }
        }
        return text.append('"').toString();
    }

    /** Asks a worker to quit through its link; false when the link is already gone. */
    static boolean sendQuit(SocketChannel link) {
        try {
            link.write(ByteBuffer.wrap("quit\n".getBytes(StandardCharsets.US_ASCII)));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void closeQuietly(SocketChannel link) {
        try {
            link.close();
        } catch (IOException ignored) {
            // gone already
        }
    }

    @Override
    public void close() throws IOException {
        gate.stop();
        server.close();
        Files.deleteIfExists(path);
    }
}
