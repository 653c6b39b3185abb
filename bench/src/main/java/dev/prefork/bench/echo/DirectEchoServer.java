package dev.prefork.bench.echo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The reference: a line-echo server in one JVM, a virtual thread per connection, no workers and no
 * bridge. What Prefork Connector costs above this is the price of its process isolation.
 * Echoes every chunk as soon as it is read, like the engine's echo handler.
 */
public final class DirectEchoServer {

    private DirectEchoServer() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        try (ServerSocket server = new ServerSocket(port, 1024, InetAddress.getLoopbackAddress())) {
            System.out.println("direct echo listening on 127.0.0.1:" + server.getLocalPort());
            System.out.flush();
            while (true) {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> echo(client));
            }
        }
    }

    private static void echo(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the client reset or went away
        }
    }
}
