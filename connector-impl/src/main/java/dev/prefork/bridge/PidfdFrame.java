package dev.prefork.bridge;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What a worker sends on its link with {@code descriptor_transfer pidfd}, a {@code SOCK_STREAM} socket on
 * which messages carry their own length: the number its accepted socket has in the worker (4 bytes,
 * network order; -1 in the link's hello, which stands for no client), then the {@link BridgeHeader} as
 * {@link BridgeHeader#encodeTo} writes it (its own 4-byte length first). The controlling JVM answers one
 * byte: {@link #SEND_IT} when it could not take the socket (the worker then sends it in an
 * {@code SCM_RIGHTS} message), anything else when the client is done with.
 */
public final class PidfdFrame {
    /** The descriptor number and the header's length. */
    public static final int PREFIX_LENGTH = 8;
    /** The controlling JVM's answer "send the socket in a message instead". */
    public static final byte SEND_IT = 'M';
    /** The number of the link's hello, which has no client. */
    public static final int NO_CLIENT = -1;

    private PidfdFrame() {
    }

    /** A frame as read: the number named, and the header. */
    public record Decoded(int named, BridgeHeader header) {
    }

    /** Why a frame with this prefix cannot be read on, or null when its body can be. */
    public static String prefixProblem(int named, int headerLength) {
        if (named < NO_CLIENT) {
            return "a message naming descriptor " + named;
        }
        if (headerLength < 4 || headerLength > BridgeHeader.MAX_LENGTH) {
            return "a message with a header of " + headerLength + " bytes";
        }
        return null;
    }

    /** The prefix of the frame for {@code header} (a buffer from {@link BridgeHeader#encodeTo}), written to {@code prefix}. */
    public static ByteBuffer prefix(ByteBuffer prefix, int named) {
        prefix.clear();
        prefix.putInt(named);
        prefix.flip();
        return prefix;
    }

    /**
     * Decodes one whole frame from {@code frame}, with the checks the controlling JVM makes while it reads
     * one; fails on anything but a well-formed frame.
     */
    public static Decoded decode(ByteBuffer frame) throws IOException {
        if (frame.remaining() < PREFIX_LENGTH) {
            throw new IOException("a message of " + frame.remaining() + " bytes");
        }
        int named = frame.getInt(frame.position());
        int length = frame.getInt(frame.position() + 4);
        String problem = prefixProblem(named, length);
        if (problem != null) {
            throw new IOException(problem);
        }
        if (frame.remaining() != PREFIX_LENGTH + length) {
            throw new IOException("a message of " + frame.remaining() + " bytes whose header says " + length);
        }
        ByteBuffer header = frame.duplicate();
        header.position(frame.position() + 4);
        return new Decoded(named, BridgeHeader.decodeMessage(header.slice()));
    }
}
