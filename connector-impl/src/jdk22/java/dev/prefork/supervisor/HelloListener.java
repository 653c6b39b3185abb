package dev.prefork.supervisor;

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

/**
 * The supervisor's socket for its workers. Each worker connects once, when it reaches its accept loop,
 * and says {@code hello PID}; the connection then stays open, so that the supervisor can ask the worker
 * to quit, and the worker sees end of stream the moment the supervisor dies.
 */
final class HelloListener implements Runnable, AutoCloseable {
    private static final int HELLO_LIMIT = 64;

    private final Path path;
    private final ServerSocketChannel server;
    private final BlockingQueue<Event> events;

    HelloListener(Path path, BlockingQueue<Event> events) throws IOException {
        this.path = path;
        this.events = events;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path), 1024);
    }

    Path path() {
        return path;
    }

    /** Accepts links and reads each one's hello; the arbiter keeps the channel. */
    @Override
    public void run() {
        while (true) {
            SocketChannel link;
            try {
                link = server.accept();
            } catch (IOException e) {
                return; // closed at shutdown
            }
            try {
                long pid = readHello(link);
                events.put(new Event.WorkerHello(pid, link));
            } catch (IOException | NumberFormatException e) {
                closeQuietly(link);
            } catch (InterruptedException e) {
                closeQuietly(link);
                return;
            }
        }
    }

    /** Reads "hello PID\n" byte by byte (it is tiny and comes at once), never past the newline. */
    private static long readHello(SocketChannel link) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        StringBuilder line = new StringBuilder();
        while (line.length() < HELLO_LIMIT) {
            one.clear();
            if (link.read(one) < 0) {
                throw new IOException("link closed before hello");
            }
            char c = (char) one.get(0);
            if (c == '\n') {
                String text = line.toString();
                if (!text.startsWith("hello ")) {
                    throw new IOException("not a hello: " + text);
                }
                return Long.parseLong(text.substring(6).trim());
            }
            line.append(c);
        }
        throw new IOException("hello too long");
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
        server.close();
        Files.deleteIfExists(path);
    }
}
