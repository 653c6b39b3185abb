package dev.prefork.bridge;

import dev.prefork.api.WorkerInfo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What both kinds of handed-over connection share: the addresses and worker facts from the worker's
 * header, a reader and writer made on demand over the streams, and flushing the writer before the
 * output is shut down or the connection ends. Subclasses supply the streams and the transport.
 */
public abstract class StreamConnection implements ServedConnection {
    private final ClientInput input;
    private final OutputStream output;
    private final SocketAddress peer;
    private final SocketAddress local;
    /** The balancer a PROXY protocol header came from; null for a direct connection. */
    private final SocketAddress via;
    private final WorkerInfo worker;
    private BufferedReader reader;
    private PrintWriter writer;

    private volatile BusyMessage busyMessage = BusyMessage.DEFAULT;

    /** How long one read may wait for the client, in nanoseconds; 0 for ever. */
    private volatile long idleTimeoutNanos;

    /** @throws IllegalArgumentException when an address in {@code header} is not one {@link BridgeHeader#parseAddress} reads */
    protected StreamConnection(BridgeHeader header, ClientInput input, OutputStream output) {
        this.input = input;
        this.output = output;
        this.peer = BridgeHeader.parseAddress(header.peer());
        this.local = BridgeHeader.parseAddress(header.local());
        this.via = header.via().isEmpty() ? null : BridgeHeader.parseAddress(header.via());
        this.worker = new WorkerInfo(header.pid(), header.slot(), header.connectionNumber(),
                Instant.ofEpochMilli(header.workerStartedMillis()));
    }

    /** Closes the client's side, its output already flushed; called once, after the handler returned. */
    protected abstract void closeTransport();

    /** Flushes buffered output and half-closes the client's side. */
    protected abstract void shutdownTransportOutput() throws IOException;

    @Override
    public InputStream getInputStream() {
        return input;
    }

    @Override
    public BusyMessage busyMessage() {
        return busyMessage;
    }

    @Override
    public void useBusyMessage(BusyMessage message) {
        busyMessage = message;
    }

    @Override
    public void setIdleTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("an idle timeout cannot be negative: " + timeout);
        }
        idleTimeoutNanos = timeout.toNanos();
    }

    @Override
    public Duration getIdleTimeout() {
        return Duration.ofNanos(idleTimeoutNanos);
    }

    @Override
    public boolean readTimedOut(long now) {
        long since = input.waitingSince();
        long limit = idleTimeoutNanos;
        if (since == 0 || limit == 0 || now - since < limit) {
            return false;
        }
        input.timeOut("no bytes from the client for " + getIdleTimeout().toMillis() + " ms (idle_timeout)");
        return true;
    }

    @Override
    public OutputStream getOutputStream() {
        return output;
    }

    @Override
    public synchronized BufferedReader getReader() {
        if (reader == null) {
            reader = new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
        return reader;
    }

    @Override
    public synchronized PrintWriter getWriter() {
        if (writer == null) {
            writer = new PrintWriter(new OutputStreamWriter(getOutputStream(), StandardCharsets.UTF_8), true);
        }
        return writer;
    }

    @Override
    public void shutdownOutput() throws IOException {
        flushWriter();
        shutdownTransportOutput();
    }

    @Override
    public void finish() {
        flushWriter();
        try {
            output.flush();
        } catch (IOException e) {
            // The client (or a relaying worker) went away; there is nobody left to tell.
        } finally {
            closeTransport();
        }
    }

    private void flushWriter() {
        PrintWriter w;
        synchronized (this) {
            w = writer;
        }
        if (w != null) {
            w.flush();
        }
    }

    @Override
    public SocketAddress getPeerAddress() {
        return peer;
    }

    @Override
    public SocketAddress getLocalAddress() {
        return local;
    }

    @Override
    public Optional<SocketAddress> getProxyAddress() {
        return Optional.ofNullable(via);
    }

    @Override
    public WorkerInfo getWorker() {
        return worker;
    }

    @Override
    public String toString() {
        return "connection from " + BridgeHeader.formatAddress(peer)
                + (via == null ? "" : " through " + BridgeHeader.formatAddress(via)) + " via worker " + worker.pid();
    }
}
