package dev.prefork.bridge.relay;

import dev.prefork.bridge.ActiveConnections;
import dev.prefork.bridge.Receiver;
import dev.prefork.bridge.ConnectionHandler;
import dev.prefork.bridge.BridgeHeader;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The controlling JVM's end of the bridge: a Unix-domain socket in the engine's private directory.
 * Every worker opens one connection to it per client connection; one acceptor thread hands each to
 * the {@link Executor}, where the header is checked and the {@link ConnectionHandler} runs.
 *
 * <p>How many connections are in flight is bounded by the pool: a worker relays one client at a time.
 */
public final class RelayReceiver implements Receiver, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RelayReceiver.class.getName());

    private final Path socketPath;
    private final byte[] secret;
    private final ConnectionHandler handler;
    private final Executor executor;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final ActiveConnections activeConnections = new ActiveConnections();
    private volatile boolean closing;

    private RelayReceiver(Path socketPath, byte[] secret, ConnectionHandler handler, Executor executor, String name)
            throws IOException {
        this.socketPath = socketPath;
        this.secret = secret.clone();
        this.handler = handler;
        this.executor = executor;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socketPath), 1024);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        this.acceptor = new Thread(this::acceptLoop, "prefork-bridge-" + name);
        acceptor.setDaemon(true);
    }

    /** Binds {@code socketPath} and starts accepting worker connections. */
    public static RelayReceiver start(Path socketPath, byte[] secret, ConnectionHandler handler, Executor executor,
                                     String name) throws IOException {
        RelayReceiver bridge = new RelayReceiver(socketPath, secret, handler, executor, name);
        bridge.acceptor.start();
        return bridge;
    }

    @Override
    public Path socketPath() {
        return socketPath;
    }

    @Override
    public int activeConnections() {
        return activeConnections.size();
    }

    @Override
    public ActiveConnections connections() {
        return activeConnections;
    }

    private void acceptLoop() {
        while (!closing) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closing) {
                    LOG.log(Level.WARNING, "bridge accept failed; continuing", e);
                }
                continue;
            }
            try {
                executor.execute(() -> serve(channel, null));
            } catch (RejectedExecutionException e) {
                // Refused here, on the acceptor: the worker sends its header at once.
                serve(channel, e.getMessage() != null ? e.getMessage() : "no thread is free");
            }
        }
    }

    /** Reads the worker's header, then serves the client, or refuses it when {@code refusal} is not null. */
    private void serve(SocketChannel channel, String refusal) {
        BridgeHeader header;
        try {
            header = BridgeHeader.read(channel);
        } catch (IOException e) {
            LOG.warning("dropping a bridge connection with a bad header: " + e.getMessage());
            closeQuietly(channel);
            return;
        }
        if (!header.hasSecret(secret)) {
            LOG.warning("dropping a bridge connection from pid " + header.pid() + ": wrong secret");
            closeQuietly(channel);
            return;
        }
        RelayedConnection connection = new RelayedConnection(channel, header);
        if (refusal != null) {
            activeConnections.refuse(connection, refusal);
        } else {
            activeConnections.serve(handler, connection, closing);
        }
    }

    @Override
    public void close(long graceMillis) {
        closing = true;
        closeQuietly(server);
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        activeConnections.drain(graceMillis);
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            LOG.warning("could not remove the bridge socket " + socketPath + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        close(0);
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // nothing left to do with it
        }
    }
}
