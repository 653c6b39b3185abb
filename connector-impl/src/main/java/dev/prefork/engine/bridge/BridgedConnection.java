package dev.prefork.engine.bridge;

import dev.prefork.api.PreforkConnection;
import dev.prefork.api.WorkerInfo;
import dev.prefork.engine.protocol.BridgeHeader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** One client connection relayed by a worker, as the handler in the controlling JVM sees it. */
final class BridgedConnection implements PreforkConnection {
    private final SocketChannel channel;
    private final ChannelInput input;
    private final FramedOutput output;
    private final SocketAddress peer;
    private final SocketAddress local;
    private final WorkerInfo worker;
    private BufferedReader reader;
    private PrintWriter writer;

    BridgedConnection(SocketChannel channel, BridgeHeader header) {
        this.channel = channel;
        this.input = new ChannelInput(channel);
        this.output = new FramedOutput(channel);
        this.peer = BridgeHeader.parseAddress(header.peer());
        this.local = BridgeHeader.parseAddress(header.local());
        this.worker = new WorkerInfo(header.pid(), header.slot(), header.connectionNumber(),
                Instant.ofEpochMilli(header.workerStartedMillis()));
    }

    @Override
    public InputStream getInputStream() {
        return input;
    }

    @Override
    public OutputStream getOutputStream() {
        return output;
    }

    @Override
    public synchronized BufferedReader getReader() {
        if (reader == null) {
            reader = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8));
        }
        return reader;
    }

    @Override
    public synchronized PrintWriter getWriter() {
        if (writer == null) {
            writer = new PrintWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8), true);
        }
        return writer;
    }

    @Override
    public void shutdownOutput() throws IOException {
        PrintWriter w;
        synchronized (this) {
            w = writer;
        }
        if (w != null) {
            w.flush();
        }
        output.shutdownOutput();
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
    public WorkerInfo getWorker() {
        return worker;
    }

    /** Flushes what the handler left buffered and closes the bridge: the worker then closes the client. */
    void finish() {
        try {
            PrintWriter w;
            synchronized (this) {
                w = writer;
            }
            if (w != null) {
                w.flush();
            }
            output.flush();
        } catch (IOException e) {
            // The client or the worker went away; there is nobody left to tell.
        } finally {
            abort();
        }
    }

    /** Closes the bridge channel at once. */
    void abort() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket we no longer need
        }
    }

    @Override
    public String toString() {
        return "connection from " + BridgeHeader.formatAddress(peer) + " via worker " + worker.pid();
    }
}
