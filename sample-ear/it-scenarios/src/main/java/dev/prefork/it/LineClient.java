package dev.prefork.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A line-oriented TCP client with bounded waits: every connect and read gives up after 20 s. */
public final class LineClient implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 20_000;

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    public LineClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    /** A longer read limit than the default 20 s, for a client among many arriving at a pool that just started. */
    public LineClient patient(java.time.Duration timeout) throws IOException {
        socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
        return this;
    }

    /** Sends one line and returns the one line that answers it. */
    public String ask(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        String answer = in.readLine();
        if (answer == null) {
            throw new IOException("the server closed the connection instead of answering '" + line + "'");
        }
        return answer;
    }

    /** Half-closes and returns what the server sends until it closes (null if it sends nothing more). */
    public String finish() throws IOException {
        socket.shutdownOutput();
        return in.readLine();
    }

    /** True when the server has closed (or reset) the connection: a read ends instead of timing out. */
    public boolean closedByServer() {
        try {
            return in.readLine() == null;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** True when something accepts connections on the port now. */
    public static boolean accepting(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
