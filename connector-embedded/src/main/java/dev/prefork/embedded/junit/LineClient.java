package dev.prefork.embedded.junit;

import dev.prefork.embedded.ListenerPool;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A TCP client for tests of line-oriented listeners: one connection, UTF-8 lines out and in, every read
 * bounded by a timeout so that a listener that never answers fails the test instead of hanging it.
 */
public final class LineClient implements AutoCloseable {
    /** How long a read waits for the listener. */
    public static final int READ_TIMEOUT_MILLIS = 10_000;

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private LineClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
    }

    /** Connects to the pool's first port on the address it is bound to (127.0.0.1 under {@link PreforkTest}). */
    public static LineClient connect(ListenerPool pool) throws IOException {
        String address = pool.boundAddresses().get(0);
        String host = address.substring(0, address.lastIndexOf(':'));
        if (host.equals("*") || host.equals("0.0.0.0")) {
            host = "127.0.0.1";
        } else if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        return connect(new InetSocketAddress(host, pool.port()));
    }

    public static LineClient connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(address, READ_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            return new LineClient(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends one line (a newline is appended). */
    public void send(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next line the listener sent, or {@code null} at end of stream; fails after {@link #READ_TIMEOUT_MILLIS}. */
    public String readLine() throws IOException {
        return in.readLine();
    }

    /** Sends a line and returns the answer line. */
    public String ask(String line) throws IOException {
        send(line);
        return readLine();
    }

    /** Tells the listener no more lines follow (it reads end of stream); answers can still be read. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
