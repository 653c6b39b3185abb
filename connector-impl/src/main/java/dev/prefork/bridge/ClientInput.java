package dev.prefork.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Objects;

/**
 * The client's bytes as an {@link InputStream}, whichever way they arrive: subclasses only read what is
 * there. It takes no lock shared with the output side, so one thread may read while another writes;
 * closing it early only stops reading (the connection owns the socket).
 */
public abstract class ClientInput extends InputStream {
    private boolean ended;
    /** When the read in progress started waiting (System.nanoTime), or 0 while no read waits. */
    private volatile long waitingSince;
    /** Set by the timeout watch before it cuts the connection off, so the woken read says why. */
    private volatile String timedOut;

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
        int n;
        waitingSince = Math.max(1, System.nanoTime());
        try {
            n = readSome(bytes, offset, length);
        } catch (IOException e) {
            throwIfTimedOut();
            throw e;
        } finally {
            waitingSince = 0;
        }
        if (n < 0) {
            throwIfTimedOut();
            ended = true;
        }
        return n;
    }

    private void throwIfTimedOut() throws SocketTimeoutException {
        String reason = timedOut;
        if (reason != null) {
            ended = true;
            throw new SocketTimeoutException(reason);
        }
    }

    /** When the read in progress started waiting ({@code System.nanoTime()}), or 0 when none waits. */
    public long waitingSince() {
        return waitingSince;
    }

    /**
     * Makes the waiting read (woken when the caller then cuts the connection off) and every later one
     * fail with {@link SocketTimeoutException} saying {@code reason}.
     */
    public void timeOut(String reason) {
        timedOut = reason;
    }

    @Override
    public void close() {
        ended = true;
    }
}
