package dev.prefork.posix;

/** A libc call failed; carries errno so callers can react to specific errors. */
public final class PosixException extends RuntimeException {
    private final int errno;

    public PosixException(String call, int errno, String message) {
        super(call + ": " + message + " (errno " + errno + ")");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
