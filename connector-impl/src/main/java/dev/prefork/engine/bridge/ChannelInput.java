package dev.prefork.engine.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The client's bytes as an {@link InputStream}, read straight from the bridge channel. Unlike
 * {@code Channels.newInputStream} it takes no lock shared with the output side, so one thread may
 * read while another writes.
 */
final class ChannelInput extends InputStream {
    private final SocketChannel channel;
    private boolean ended;

    ChannelInput(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (ended) {
            return -1;
        }
        int n = channel.read(ByteBuffer.wrap(bytes, offset, length));
        if (n < 0) {
            ended = true;
        }
        return n;
    }

    @Override
    public void close() {
        // The connection owns the channel; closing the stream early only stops reading.
        ended = true;
    }
}
