package dev.prefork.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The client's bytes as an {@link InputStream}, whichever way they arrive: subclasses only read what is
 * there. It takes no lock shared with the output side, so one thread may read while another writes;
 * closing it early only stops reading (the connection owns the socket).
 */
public abstract class ClientInput extends InputStream {
    private boolean ended;

    /** Reads at least one byte into {@code bytes}, blocking until some arrive; -1 at end of stream. */
    protected abstract int readSome(byte[] bytes, int offset, int length) throws IOException;

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length == 0) {
            return 0;
        }
        if (ended) {
            return -1;
        }
        int n = readSome(bytes, offset, length);
        if (n < 0) {
            ended = true;
        }
        return n;
    }

    @Override
    public void close() {
        ended = true;
    }
}
