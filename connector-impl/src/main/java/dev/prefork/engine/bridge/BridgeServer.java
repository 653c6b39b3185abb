package dev.prefork.engine.bridge;

import dev.prefork.engine.ConnectionHandler;
import dev.prefork.engine.protocol.BridgeHeader;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
public final class BridgeServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BridgeServer.class.getName());

    private final Path socketPath;
    private final byte[] secret;
    private final ConnectionHandler handler;
    private final Executor executor;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final Set<BridgedConnection> active = ConcurrentHashMap.newKeySet();
    private final Object drained = new Object();
    private volatile boolean closing;

    private BridgeServer(Path socketPath, byte[] secret, ConnectionHandler handler, Executor executor, String name)
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
    public static BridgeServer start(Path socketPath, byte[] secret, ConnectionHandler handler, Executor executor,
                                     String name) throws IOException {
        BridgeServer bridge = new BridgeServer(socketPath, secret, handler, executor, name);
        bridge.acceptor.start();
        return bridge;
    }

    public Path socketPath() {
        return socketPath;
    }

    /** Connections whose handler is running now. */
    public int activeConnections() {
        return active.size();
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
                executor.execute(() -> serve(channel));
            } catch (RejectedExecutionException e) {
                LOG.warning("no thread to serve a bridged connection (" + e.getMessage()
                        + "); closing it. Give the executor at least max_servers threads.");
                closeQuietly(channel);
            }
        }
    }

    private void serve(SocketChannel channel) {
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
        BridgedConnection connection = new BridgedConnection(channel, header);
        active.add(connection);
        try {
            if (closing) {
                return;
            }
            handler.handle(connection);
        } catch (IOException e) {
            // The client reset or went away mid-answer: its own business, not an error of ours.
            LOG.log(Level.FINE, "connection ended by an I/O error: " + connection, e);
        } catch (Exception | LinkageError e) {
            LOG.log(Level.WARNING, "handler failed on " + connection + "; closing it", e);
        } finally {
            connection.finish();
            active.remove(connection);
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    /**
     * Stops accepting, waits up to {@code graceMillis} for running handlers to return, then cuts the
     * rest off, and removes the socket file.
     */
    public void close(long graceMillis) {
        closing = true;
        closeQuietly(server);
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        synchronized (drained) {
            while (!active.isEmpty()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                try {
                    drained.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        for (BridgedConnection connection : active) {
            LOG.warning("cutting off " + connection + ": its handler did not return within the grace period");
            connection.abort();
        }
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
