package dev.prefork.sample;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads lines of at most a fixed length from a client, so that a client sending an endless line cannot
 * make the server buffer it all ({@code BufferedReader.readLine} would). A longer line is read to its
 * end and reported as too long.
 */
final class LineReader {
    /** What {@link #readLine()} returns for a line over the limit. */
    static final String TOO_LONG = "\u0000too long";

    private final InputStream in;
    private final byte[] line;
    private final byte[] buffer = new byte[8192];
    private int bufferStart;
    private int bufferEnd;

    LineReader(InputStream in, int maxLength) {
        this.in = in;
        this.line = new byte[maxLength];
    }

    /** The next line without its line end (LF or CRLF), {@link #TOO_LONG}, or {@code null} at end of input. */
    String readLine() throws IOException {
        int length = 0;
        boolean overflow = false;
        boolean any = false;
        while (true) {
            if (bufferStart == bufferEnd) {
                int n = in.read(buffer);
                if (n < 0) {
                    return any ? finish(length, overflow) : null;
                }
                bufferStart = 0;
                bufferEnd = n;
            }
            any = true;
            byte b = buffer[bufferStart++];
            if (b == '\n') {
                return finish(length, overflow);
            }
            if (length < line.length) {
                line[length++] = b;
            } else {
                overflow = true;
            }
        }
    }

    private String finish(int length, boolean overflow) {
        if (overflow) {
            return TOO_LONG;
        }
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        return new String(line, 0, length, StandardCharsets.UTF_8);
    }
}
