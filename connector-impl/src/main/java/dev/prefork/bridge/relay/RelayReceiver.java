package dev.prefork.bridge.relay;

import dev.prefork.bridge.ActiveConnections;
import dev.prefork.bridge.Receiver;
import dev.prefork.bridge.ConnectionHandler;
import dev.prefork.bridge.BridgeHeader;
import dev.prefork.engine.protocol.FirstMessageGate;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntSupplier;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The controlling JVM's end of the bridge: a Unix-domain socket in the engine's private directory.
 * Every worker opens one connection to it per client connection; one acceptor thread reads each one's
 * header (all at once, each in bounded time, through a {@link FirstMessageGate}) and hands the
 * connection to the {@link Executor}, where the {@link ConnectionHandler} runs. A peer that connects and
 * says nothing holds no handler thread.
 *
 * <p>How many connections are in flight is bounded by the pool: a worker relays one client at a time.
 */
public final class RelayReceiver implements Receiver, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RelayReceiver.class.getName());

    /** A worker writes its header the moment it connects; a connection silent this long is not one of ours. */
    private static final long HEADER_TIMEOUT_MILLIS = 10_000;

    private final Path socketPath;
    private final byte[] secret;
    private final ConnectionHandler handler;
    private final Executor executor;
    private final ServerSocketChannel server;
    private final FirstMessageGate gate;
    private final Thread acceptor;
    private final ActiveConnections activeConnections = new ActiveConnections();
    private volatile boolean closing;

    private RelayReceiver(Path socketPath, byte[] secret, ConnectionHandler handler, Executor executor, String name,
                          IntSupplier maxPendingHeaders) throws IOException {
        this.socketPath = socketPath;
        this.secret = secret.clone();
        this.handler = handler;
        this.executor = executor;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socketPath), 1024);
            this.gate = new FirstMessageGate(server, HEADER_FRAMING, HEADER_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS,
                    maxPendingHeaders, this::dispatch, complaint -> LOG.warning(name + ": bridge: " + complaint));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        this.acceptor = new Thread(gate, "prefork-bridge-" + name);
        acceptor.setDaemon(true);
    }

    /**
     * Binds {@code socketPath} and starts accepting worker connections; at most {@code maxPendingHeaders}
     * of them may wait for their header at once (a worker sends it at once: the pool's size bounds them).
     */
    public static RelayReceiver start(Path socketPath, byte[] secret, ConnectionHandler handler, Executor executor,
                                     String name, IntSupplier maxPendingHeaders) throws IOException {
        RelayReceiver bridge = new RelayReceiver(socketPath, secret, handler, executor, name, maxPendingHeaders);
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

    private static final FirstMessageGate.Framing HEADER_FRAMING = new FirstMessageGate.Framing() {
        @Override
        public int maxLength() {
            return BridgeHeader.MAX_LENGTH + 4;
        }

        @Override
        public int lengthSoFar(ByteBuffer soFar) throws IOException {
            return BridgeHeader.messageLengthSoFar(soFar);
        }
    };

    /**
     * On the gate's thread, with the header read (so nothing here waits for a peer): checks it and hands
     * the connection to the executor, or refuses it right here when the executor has no thread for it.
     */
    private void dispatch(SocketChannel channel, ByteBuffer message) {
        BridgeHeader header;
        try {
            header = BridgeHeader.decodeMessage(message);
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
        RelayedConnection connection;
        try {
            connection = new RelayedConnection(channel, header);
        } catch (IllegalArgumentException e) {
            LOG.warning("dropping a bridge connection from pid " + header.pid() + ": " + e.getMessage());
            closeQuietly(channel);
            return;
        }
        try {
            executor.execute(() -> activeConnections.serve(handler, connection, closing));
        } catch (RejectedExecutionException e) {
            // The refusal is one short frame into an empty socket buffer: it does not wait for the worker.
            activeConnections.refuse(connection, e.getMessage() != null ? e.getMessage() : "no thread is free");
        }
    }

    @Override
    public void close(long graceMillis) {
        closing = true;
        gate.stop();
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(server);
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
