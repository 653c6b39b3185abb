package dev.prefork.supervisor;

import dev.prefork.engine.protocol.LogThrottle;
import dev.prefork.engine.config.PortSpec;
import dev.prefork.engine.protocol.ProcessLog;

import java.util.concurrent.TimeUnit;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * HAProxy's agent-check on {@code agent_port}: for every connection, one line ({@code ready 40%},
 * {@code drain} or {@code maint}, see {@link PoolHealth#agentLine}) and close. One thread serves the
 * clients one after another; each costs at most {@value #CLIENT_MILLIS} ms (reading what HAProxy's
 * {@code agent-send} may have sent, so that closing does not reset the connection before the reply is
 * read), and nothing a client sends is kept beyond {@value #DISCARD_LIMIT} bytes.
 */
final class AgentCheckServer implements Runnable, AutoCloseable {
    static final int CLIENT_MILLIS = 200;
    private static final int DISCARD_LIMIT = 1024;
    private static final int BACKLOG = 16;

    private final ServerSocket server;
    private final Supplier<String> line;
    /** Complaints about clients, at most one line per 10 s with a count: a flood cannot flood the log. */
    private final LogThrottle complaints = new LogThrottle(10, TimeUnit.SECONDS);
    private final ProcessLog log;

    private AgentCheckServer(ServerSocket server, Supplier<String> line, ProcessLog log) {
        this.server = server;
        this.line = line;
        this.log = log;
    }

    /** Binds {@code address}; {@link #run} then answers until {@link #close}. */
    static AgentCheckServer bind(PortSpec address, Supplier<String> line, ProcessLog log) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            InetAddress host = PortSpec.ANY_HOST.equals(address.host()) ? null : InetAddress.getByName(address.host());
            server.bind(new InetSocketAddress(host, address.port()), BACKLOG);
        } catch (IOException e) {
            server.close();
            throw new IOException("agent_port " + address + ": " + e.getMessage(), e);
        }
        AgentCheckServer agent = new AgentCheckServer(server, line, log);
        log.info("agent-check port on " + agent.boundAddress());
        return agent;
    }

    String boundAddress() {
        String host = server.getInetAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + server.getLocalPort();
    }

    @Override
    public void run() {
        while (!server.isClosed()) {
            try (Socket client = server.accept()) {
                answer(client);
            } catch (IOException e) {
                if (!server.isClosed()) {
                    complaints.warning(log, "agent-check port: " + e);
                }
            }
        }
    }

    private void answer(Socket client) throws IOException {
        client.setSoTimeout(CLIENT_MILLIS);
        client.getOutputStream().write((line.get() + "\n").getBytes(StandardCharsets.US_ASCII));
        client.shutdownOutput();
        long deadline = System.nanoTime() + CLIENT_MILLIS * 1_000_000L;
        InputStream in = client.getInputStream();
        byte[] discard = new byte[256];
        int total = 0;
        try {
            for (int n; (n = in.read(discard)) >= 0; ) {
                total += n;
                if (total > DISCARD_LIMIT || System.nanoTime() > deadline) {
                    complaints.warning(log, "agent-check port: " + client.getRemoteSocketAddress() + " kept sending; closed");
                    return;
                }
            }
        } catch (SocketTimeoutException e) {
            // a client that keeps its side open gets the line and is closed after CLIENT_MILLIS
        } catch (java.net.SocketException e) {
            // HAProxy resets the connection once it has read the line: normal, not worth a warning
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
