package dev.prefork.bridge;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * What a worker says first on every bridge connection it opens to the controlling JVM: the secret that
 * proves it is one of ours, who it is, and which client it is relaying.
 *
 * <p>After the header the worker relays the client's bytes as they come, and the controlling JVM
 * answers in {@link BridgeFrames frames}. The header is length-prefixed and bounded, so a reader never
 * buffers more than {@link #MAX_LENGTH} bytes for it.
 *
 * <p>{@code via} is the balancer's address when a PROXY protocol header carried the client's
 * ({@code peer} and {@code local} are then the header's), else empty; it is written only when set, so a
 * header without it has the same bytes as before it existed.
 */
public record BridgeHeader(byte[] secret, long pid, int slot, long connectionNumber, long workerStartedMillis,
                           int portIndex, String peer, String local, String via) {

    /** A header of a connection that came straight from its client. */
    public BridgeHeader(byte[] secret, long pid, int slot, long connectionNumber, long workerStartedMillis,
                        int portIndex, String peer, String local) {
        this(secret, pid, slot, connectionNumber, workerStartedMillis, portIndex, peer, local, "");
    }

    public static final int MAGIC = 0x50464B31; // "PFK1"
    public static final int SECRET_LENGTH = 32;
    public static final int MAX_LENGTH = 1024;

    /**
     * Writes the whole header, length prefix included, into {@code target} from its start and leaves it
     * flipped, ready for one write: a worker reuses one buffer for all its connections. Strings are
     * written as {@link DataOutputStream#writeUTF} does (modified UTF-8), which {@link #read} reads back.
     *
     * @throws IllegalArgumentException when the header would exceed {@link #MAX_LENGTH} bytes
     */
    public void encodeTo(ByteBuffer target) {
        target.clear();
        if (target.capacity() < MAX_LENGTH + 4) {
            throw new IllegalArgumentException("a header buffer needs " + (MAX_LENGTH + 4) + " bytes");
        }
        target.limit(MAX_LENGTH + 4);
        target.putInt(0); // length, patched below
        target.putInt(MAGIC);
        target.put(secret);
        target.putLong(pid);
        target.putInt(slot);
        target.putLong(connectionNumber);
        target.putLong(workerStartedMillis);
        target.putInt(portIndex);
        try {
            putModifiedUtf8(target, peer);
            putModifiedUtf8(target, local);
            if (!via.isEmpty()) {
                putModifiedUtf8(target, via);
            }
        } catch (java.nio.BufferOverflowException e) {
            throw new IllegalArgumentException("bridge header longer than " + MAX_LENGTH + " bytes (peer " + peer + ", local " + local + ")");
        }
        target.flip();
        target.putInt(0, target.remaining() - 4);
    }

    /** DataOutputStream.writeUTF's encoding: a 2-byte length, then 1 to 3 bytes per char (NUL as 2). */
    private static void putModifiedUtf8(ByteBuffer target, String text) {
        int lengthAt = target.position();
        target.putShort((short) 0);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x0001 && c <= 0x007F) {
                target.put((byte) c);
            } else if (c <= 0x07FF) {
                target.put((byte) (0xC0 | (c >> 6)));
                target.put((byte) (0x80 | (c & 0x3F)));
            } else {
                target.put((byte) (0xE0 | (c >> 12)));
                target.put((byte) (0x80 | ((c >> 6) & 0x3F)));
                target.put((byte) (0x80 | (c & 0x3F)));
            }
        }
        target.putShort(lengthAt, (short) (target.position() - lengthAt - 2));
    }

    /**
     * Reads exactly one header from a blocking channel (two reads: the length, then the body, so that
     * no client byte behind it is consumed); fails on anything but a well-formed header of this version.
     */
    public static BridgeHeader read(ReadableByteChannel channel) throws IOException {
        ByteBuffer lengthBytes = ByteBuffer.allocate(4);
        readFully(channel, lengthBytes);
        int length = lengthBytes.getInt(0);
        if (length < 4 || length > MAX_LENGTH) {
            throw new IOException("bridge header of " + length + " bytes");
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(channel, body);
        body.flip();
        return decode(body);
    }

    /**
     * Decodes one whole header, its length prefix included, from {@code message} (as a worker sends it
     * with a passed descriptor); fails on anything but a well-formed header of this version.
     */
    public static BridgeHeader decodeMessage(ByteBuffer message) throws IOException {
        if (message.remaining() < 4 || message.getInt(message.position()) != message.remaining() - 4) {
            throw new IOException("bridge header message of " + message.remaining() + " bytes with a wrong length prefix");
        }
        message.position(message.position() + 4);
        return decode(message);
    }

    private static BridgeHeader decode(ByteBuffer body) throws IOException {
        byte[] bytes = new byte[body.remaining()];
        body.get(bytes);
        DataInputStream fields = new DataInputStream(new ByteArrayInputStream(bytes));
        try {
            if (fields.readInt() != MAGIC) {
                throw new IOException("not a bridge header of this version");
            }
            byte[] secret = new byte[SECRET_LENGTH];
            fields.readFully(secret);
            BridgeHeader header = new BridgeHeader(secret, fields.readLong(), fields.readInt(), fields.readLong(),
                    fields.readLong(), fields.readInt(), fields.readUTF(), fields.readUTF(),
                    fields.available() > 0 ? fields.readUTF() : "");
            if (fields.available() > 0) {
                throw new IOException("bridge header with " + fields.available() + " bytes after its fields");
            }
            return header;
        } catch (EOFException e) {
            throw new IOException("truncated bridge header", e);
        } catch (java.io.UTFDataFormatException e) {
            throw new IOException("bridge header with malformed text: " + e.getMessage(), e);
        }
    }

    /**
     * How many bytes the header message in {@code soFar} (from 0 to its limit) has in all, its 4-byte
     * length prefix included, as far as the bytes so far tell: 4 until the prefix is complete.
     *
     * @throws IOException when the prefix announces a length no header can have
     */
    public static int messageLengthSoFar(ByteBuffer soFar) throws IOException {
        if (soFar.limit() < 4) {
            return 4;
        }
        int length = soFar.getInt(0);
        if (length < 4 || length > MAX_LENGTH) {
            throw new IOException("bridge header of " + length + " bytes");
        }
        return 4 + length;
    }

    private static void readFully(ReadableByteChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("bridge connection closed inside its header");
            }
        }
    }

    /** Compares the secret in constant time. */
    public boolean hasSecret(byte[] expected) {
        return MessageDigest.isEqual(secret, expected);
    }

    public static byte[] parseSecret(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    /** Writes an address the way {@link #parseAddress} reads it back. */
    public static String formatAddress(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
            int zone = host.indexOf('%');
            if (zone >= 0) {
                host = host.substring(0, zone);
            }
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        if (address instanceof UnixDomainSocketAddress unix) {
            return "unix:" + unix.getPath();
        }
        return String.valueOf(address);
    }

    /**
     * Reads an address written by {@link #formatAddress}: {@code unix:/path}, {@code a.b.c.d:port} or
     * {@code [v6]:port}, numeric only. Nothing here ever asks a name resolver: the text comes off the
     * wire, and a host name in it is an error, not a lookup.
     *
     * @throws IllegalArgumentException when {@code text} is not such an address
     */
    public static SocketAddress parseAddress(String text) {
        if (text.startsWith("unix:")) {
            return UnixDomainSocketAddress.of(text.substring(5));
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("no port in address \"" + text + "\"");
        }
        String host = text.substring(0, colon);
        byte[] bytes;
        if (host.startsWith("[") && host.endsWith("]") && host.length() > 2) {
            bytes = NumericAddresses.ipv6(host.substring(1, host.length() - 1));
        } else {
            bytes = NumericAddresses.ipv4(host);
        }
        if (bytes == null) {
            throw new IllegalArgumentException("not a numeric address: \"" + host + "\"");
        }
        int port = NumericAddresses.port(text.substring(colon + 1));
        if (port < 0) {
            throw new IllegalArgumentException("not a port: \"" + text.substring(colon + 1) + "\"");
        }
        try {
            return new InetSocketAddress(java.net.InetAddress.getByAddress(bytes), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an address: \"" + host + "\"", e); // wrong length only
        }
    }
}
