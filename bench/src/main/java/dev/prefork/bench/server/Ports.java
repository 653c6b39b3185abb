package dev.prefork.bench.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Port checks around starting a server. */
public final class Ports {
    /** Listen outside the ephemeral range 32768-60999 (a client port in TIME_WAIT can make bind fail). */
    public static final int EPHEMERAL_LOW = 32768;
    public static final int EPHEMERAL_HIGH = 60999;

    private Ports() {
    }

    public static void requireFree(int port) throws IOException {
        if (port >= EPHEMERAL_LOW && port <= EPHEMERAL_HIGH) {
            throw new IOException("port " + port + " is in the ephemeral range " + EPHEMERAL_LOW + "-" + EPHEMERAL_HIGH);
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IOException("port " + port + " on 127.0.0.1 is in use; stop what holds it or choose another base port", e);
        }
    }

    /** True when one line sent to the port comes back. */
    public static boolean echoes(int port) {
        byte[] line = "ready?\n".getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(line);
            byte[] back = socket.getInputStream().readNBytes(line.length);
            return java.util.Arrays.equals(back, line);
        } catch (IOException e) {
            return false;
        }
    }
}
