package dev.prefork.bridge.relay;

import dev.prefork.bridge.ClientInput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The client's bytes read straight from the bridge channel. Unlike {@code Channels.newInputStream} it
 * takes no lock shared with the output side (see {@link ClientInput}).
 */
final class ChannelInput extends ClientInput {
    private final SocketChannel channel;

    ChannelInput(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    protected int readSome(byte[] bytes, int offset, int length) throws IOException {
        return channel.read(ByteBuffer.wrap(bytes, offset, length));
    }
}
