package dev.prefork.bridge;

/**
 * The controlling JVM's side of a bridge connection is framed, so that the worker can tell a half-close
 * from the end of the connection:
 *
 * <ul>
 *   <li>{@code int n > 0} followed by {@code n} bytes: data for the client;</li>
 *   <li>{@code int 0}: the handler shut down its output; the worker half-closes the client connection;</li>
 *   <li>end of stream: the handler returned; the worker closes the client connection.</li>
 * </ul>
 *
 * The worker's side is not framed: its end of stream means the client shut down its output.
 */
public final class BridgeFrames {
    public static final int HEADER_BYTES = 4;
    /** The largest frame payload; also the controlling JVM's output buffer. */
    public static final int MAX_PAYLOAD = 16 * 1024;
    public static final int SHUTDOWN_OUTPUT = 0;

    private BridgeFrames() {
    }
}
