package dev.prefork.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Ports for a configuration that needs fixed numbers (HAProxy, a launcher that does not print where it bound):
 * the kernel picks them, and every one is held until all are chosen. Picked one after another and released at
 * once, the kernel may hand the same port out twice (seen in CI: status_port and agent_port the same).
 */
public final class FreePorts {
    private FreePorts() {
    }

    /** {@code count} different ports that are free on {@code host} now. */
    public static int[] on(String host, int count) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                held.add(socket);
                socket.bind(new InetSocketAddress(host, 0));
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }

    /** One port that is free on {@code host} now. */
    public static int one(String host) throws IOException {
        return on(host, 1)[0];
    }
}
