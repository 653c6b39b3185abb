package dev.prefork.bridge.descriptor;

import dev.prefork.bridge.StreamConnection;
import dev.prefork.bridge.BridgeHeader;

import java.io.IOException;

/** A client connection whose socket a worker handed over: the handler talks to the client directly. */
final class DescriptorConnection extends StreamConnection {
    private final GuardedDescriptor socket;
    private final DescriptorOutput output;

    private DescriptorConnection(GuardedDescriptor socket, BridgeHeader header, ClientBuffers buffers, DescriptorOutput output) {
        super(header, new DescriptorInput(socket, buffers.inputCalls(), buffers.input()), output);
        this.socket = socket;
        this.output = output;
    }

    DescriptorConnection(GuardedDescriptor socket, BridgeHeader header, ClientBuffers buffers) {
        this(socket, header, buffers, new DescriptorOutput(socket, buffers.outputCalls(), buffers.output()));
    }

    @Override
    protected void shutdownTransportOutput() throws IOException {
        output.shutdownOutput();
    }

    @Override
    protected void closeTransport() {
        socket.close();
    }

    @Override
    public void abort() {
        socket.shutdown();
    }
}
