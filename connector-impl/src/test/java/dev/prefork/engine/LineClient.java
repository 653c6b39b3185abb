package dev.prefork.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A blocking line client with timeouts, as a test's TCP peer. */
public final class LineClient implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    LineClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(20_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    String roundTrip(String line) throws IOException {
        send(line);
        return in.readLine();
    }

    void send(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    String readLine() throws IOException {
        return in.readLine();
    }

    Socket socket() {
        return socket;
    }

    /** The client's own address as the server sees it, in the form the scoreboard shows. */
    String localAddress() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** One connection: send a line, read it back, close. */
    public static String echoOnce(int port, String line) throws IOException {
        try (LineClient client = new LineClient(port)) {
            return client.roundTrip(line);
        }
    }
}
