package dev.prefork.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.SocketAddress;
import java.util.Optional;
import java.time.Duration;

/**
 * One client connection, as a {@link PreforkListener} sees it.
 *
 * <p>The bytes travel between the client and this object through the worker process that accepted
 * the connection; flow control is end to end, so a client that does not read eventually blocks the
 * writer here, and a reader here that stops reading eventually stops the client.
 *
 * <p>Use either the byte streams or the reader/writer pair for each direction, not both: the reader
 * buffers input it has read ahead, and the writer buffers output until it is flushed.
 */
public interface PreforkConnection {

    /** The bytes the client sends; end of stream when the client has shut down its sending side. */
    InputStream getInputStream();

    /**
     * The bytes for the client. Output is buffered: it reaches the client on {@code flush()}, when
     * the buffer fills, and when {@link PreforkListener#processRequest} returns.
     */
    OutputStream getOutputStream();

    /** A UTF-8 reader over {@link #getInputStream()}; the same object on every call. */
    BufferedReader getReader();

    /** A UTF-8 writer over {@link #getOutputStream()} that flushes on every {@code println}; the same object on every call. */
    PrintWriter getWriter();

    /**
     * Half-closes the connection: flushes what was written and tells the client that no more data
     * follows (it reads end of stream), while the client's input can still be read.
     */
    void shutdownOutput() throws IOException;

    /**
     * The client's address: an {@link java.net.InetSocketAddress}, or a {@link java.net.UnixDomainSocketAddress}
     * for a UNIX socket port. On a port with {@code proxy_protocol}, the address the balancer's PROXY
     * header carries (the client's, not the balancer's; see {@link #getProxyAddress()}).
     */
    SocketAddress getPeerAddress();

    /**
     * The address the client connected to: the listening port's address as the worker saw it, or on a
     * port with {@code proxy_protocol} the original destination the PROXY header carries (the
     * balancer's address that the client connected to).
     */
    SocketAddress getLocalAddress();

    /**
     * The balancer this connection came through: the address of the peer that sent its PROXY protocol
     * header, on a port with {@code proxy_protocol}; empty for a connection straight from its client. A
     * header without addresses (the balancer's own health check, {@code LOCAL}) leaves the connection's own
     * addresses as {@link #getPeerAddress()} and {@link #getLocalAddress()}, and this the same balancer.
     *
     * @since 0.2
     */
    default Optional<SocketAddress> getProxyAddress() {
        return Optional.empty();
    }

    /** Facts about the worker process that accepted this connection. */
    WorkerInfo getWorker();

    /**
     * How long a read on this connection may wait for the client's next bytes: a read that waits
     * longer fails with {@link java.net.SocketTimeoutException} and the connection is closed.
     * {@link Duration#ZERO} waits for ever. Starts as the endpoint's {@code idle_timeout}; a protocol
     * with phases of its own (a long upload, a keep-alive pause) can change it for this connection.
     *
     * @throws IllegalArgumentException when {@code timeout} is negative
     * @throws UnsupportedOperationException where the connection cannot time reads out (a test double)
     */
    default void setIdleTimeout(Duration timeout) {
        throw new UnsupportedOperationException("this connection cannot time reads out");
    }

    /** The idle timeout in force on this connection; {@link Duration#ZERO} for none. */
    default Duration getIdleTimeout() {
        return Duration.ZERO;
    }
}
