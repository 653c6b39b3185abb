package dev.prefork.bench.load;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/** Why a request failed, as far as a client can tell. */
public enum ErrorKind {
    CONNECT_REFUSED, CONNECT_TIMEOUT, CONNECT_OTHER, READ_TIMEOUT, RESET, EOF, MISMATCH, OTHER;

    /** Classifies a failure; {@code connecting} tells whether it happened before the connection was up. */
    public static ErrorKind of(IOException e, boolean connecting) {
        if (connecting) {
            if (e instanceof SocketTimeoutException) {
                return CONNECT_TIMEOUT;
            }
            if (e instanceof ConnectException && String.valueOf(e.getMessage()).contains("refused")) {
                return CONNECT_REFUSED;
            }
            return CONNECT_OTHER;
        }
        if (e instanceof SocketTimeoutException) {
            return READ_TIMEOUT;
        }
        if (e instanceof EOFException) {
            return EOF;
        }
        if (e instanceof SocketException && String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("reset")) {
            return RESET;
        }
        return OTHER;
    }
}
