package dev.prefork.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** What HAProxy's agent-check reads from a pool's agent port: one line, then the pool closes. */
final class AgentCheck {
    private AgentCheck() {
    }

    /** The line the agent port of {@code address} (host:port; reached on 127.0.0.1) answers, trimmed. */
    static String line(String address) throws IOException {
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            socket.setSoTimeout(1_000);
            String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(all.endsWith("\n"), "one line: " + all);
            return all.trim();
        }
    }

    /** The line, or "" when the port does not answer (not bound yet, or closed). */
    static String lineOrEmpty(String address) {
        try {
            return line(address);
        } catch (IOException | AssertionError e) {
            return "";
        }
    }
}
