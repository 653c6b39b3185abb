package dev.prefork.engine.proxy;

import dev.prefork.engine.access.IpLiteral;
import dev.prefork.engine.config.ProxyProtocol;

import java.nio.charset.StandardCharsets;

/**
 * Reads a PROXY protocol header from the bytes a connection has sent so far, in two steps: {@link #needed}
 * says how many bytes the header has at least (so the caller reads exactly up to there and never past
 * the header), and once the header is complete {@link #parse} decodes it.
 *
 * <p>What is accepted, after the specification (haproxy.org, proxy-protocol.txt):
 * <ul>
 *   <li>v1: {@code PROXY TCP4|TCP6 src dst sport dport\r\n} with single spaces, numeric addresses of the
 *       named family, decimal ports 0 to 65535 without leading zeros; {@code PROXY UNKNOWN ...\r\n}
 *       (anything up to the line end); at most {@value #V1_MAX} bytes in all.</li>
 *   <li>v2: the 12-byte signature, version 2, command {@code LOCAL} or {@code PROXY}, family {@code UNSPEC},
 *       {@code INET}, {@code INET6} or {@code UNIX} with transport {@code UNSPEC}, {@code STREAM} or
 *       {@code DGRAM}, and a length that holds the family's addresses; what follows them (TLVs) is
 *       skipped unread. At most {@value #V2_MAX} bytes in all: HAProxy's own headers are far shorter.</li>
 * </ul>
 * Only {@code PROXY} over INET or INET6 carries addresses; {@code LOCAL} (the balancer's own health
 * check), {@code UNSPEC}, {@code UNIX} and v1 {@code UNKNOWN} leave the connection's own addresses.
 */
public final class ProxyHeaderParser {
    /** The longest v1 line, CRLF included (the specification's figure). */
    public static final int V1_MAX = 107;
    /** The longest v2 header accepted: 16 fixed bytes and up to 2032 of addresses and TLVs. */
    public static final int V2_MAX = 2048;
    /** The shortest header of either version ({@code PROXY UNKNOWN\r\n}); always safe to read first (16 with v2 alone). */
    public static final int FIRST_READ = 15;

    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final int V2_FIXED = 16;

    private ProxyHeaderParser() {
    }

    /**
     * How many bytes the header in {@code bytes[0..count)} has at least, as far as they tell: more than
     * {@code count} while it is incomplete (read up to the returned figure, no further), exactly
     * {@code count} when it is complete.
     *
     * @throws MalformedProxyHeader when no header {@code accepted} allows can start with these bytes
     */
    public static int needed(byte[] bytes, int count, ProxyProtocol accepted) throws MalformedProxyHeader {
        int prefix = Math.min(count, V2_SIGNATURE.length);
        boolean v2 = startsWith(bytes, prefix, V2_SIGNATURE);
        boolean v1 = startsWith(bytes, Math.min(count, V1_PREFIX.length), V1_PREFIX);
        if (!v1 && !v2) {
            throw new MalformedProxyHeader("no PROXY header: the connection starts with " + printable(bytes, count));
        }
        // v2 alone: its 16 fixed bytes at once, length included, so that two reads take a whole header.
        int first = accepted.acceptsV1() ? FIRST_READ : V2_FIXED;
        if (count < first) {
            return first;
        }
        if (v2) {
            if (!accepted.acceptsV2()) {
                throw new MalformedProxyHeader("a PROXY v2 header where proxy_protocol is " + accepted.key());
            }
            return count < V2_FIXED ? V2_FIXED : V2_FIXED + v2Length(bytes);
        }
        if (!accepted.acceptsV1()) {
            throw new MalformedProxyHeader("a PROXY v1 header where proxy_protocol is " + accepted.key());
        }
        for (int i = V1_PREFIX.length; i < count; i++) {
            if (bytes[i] == '\n') {
                if (bytes[i - 1] != '\r' || i != count - 1) {
                    throw new MalformedProxyHeader("a PROXY v1 line with a bare line feed");
                }
                return count;
            }
            if (bytes[i] == '\r' && i + 1 < count && bytes[i + 1] != '\n') {
                throw new MalformedProxyHeader("a PROXY v1 line with a bare carriage return");
            }
        }
        if (count >= V1_MAX) {
            throw new MalformedProxyHeader("a PROXY v1 line longer than " + V1_MAX + " bytes");
        }
        // At least the line end is still to come: one byte after a CR, else two. Never more, or we could
        // read into the client's own bytes.
        return Math.min(V1_MAX, count + (bytes[count - 1] == '\r' ? 1 : 2));
    }

    /** The v2 header's address-and-TLV length, checked against the family's addresses and our bound. */
    private static int v2Length(byte[] bytes) throws MalformedProxyHeader {
        int versionCommand = bytes[12] & 0xff;
        if (versionCommand >> 4 != 2) {
            throw new MalformedProxyHeader("a PROXY v2 signature with version " + (versionCommand >> 4));
        }
        if ((versionCommand & 0xf) > 1) {
            throw new MalformedProxyHeader("a PROXY v2 header with command " + (versionCommand & 0xf));
        }
        int family = (bytes[13] & 0xff) >> 4;
        int transport = bytes[13] & 0xf;
        if (family > 3 || transport > 2) {
            throw new MalformedProxyHeader("a PROXY v2 header with family/transport 0x" + Integer.toHexString(bytes[13] & 0xff));
        }
        int length = (bytes[14] & 0xff) << 8 | (bytes[15] & 0xff);
        if (length < addressLength(family)) {
            throw new MalformedProxyHeader("a PROXY v2 header of " + length + " bytes, too short for its addresses");
        }
        if (V2_FIXED + length > V2_MAX) {
            throw new MalformedProxyHeader("a PROXY v2 header of " + (V2_FIXED + length) + " bytes (at most " + V2_MAX + ")");
        }
        return length;
    }

    /** Bytes of source and destination address and port for a v2 family: UNSPEC, INET, INET6, UNIX. */
    private static int addressLength(int family) {
        return switch (family) {
            case 1 -> 12;
            case 2 -> 36;
            case 3 -> 216;
            default -> 0;
        };
    }

    /**
     * Decodes the complete header in {@code bytes[0..count)} (for which {@link #needed} returned
     * {@code count}).
     *
     * @throws MalformedProxyHeader when it breaks the specification
     */
    public static ProxyHeader parse(byte[] bytes, int count, ProxyProtocol accepted) throws MalformedProxyHeader {
        if (needed(bytes, count, accepted) != count) {
            throw new MalformedProxyHeader("an incomplete PROXY header of " + count + " bytes");
        }
        return bytes[0] == 'P' ? parseV1(new String(bytes, 0, count - 2, StandardCharsets.ISO_8859_1), count)
                : parseV2(bytes, count);
    }

    private static ProxyHeader parseV2(byte[] bytes, int count) {
        boolean proxied = (bytes[12] & 0xf) == 1;
        int family = (bytes[13] & 0xff) >> 4;
        if (!proxied || (family != 1 && family != 2)) {
            return new ProxyHeader(count, null, null);
        }
        int size = family == 1 ? 4 : 16;
        int at = V2_FIXED;
        byte[] source = java.util.Arrays.copyOfRange(bytes, at, at + size);
        byte[] destination = java.util.Arrays.copyOfRange(bytes, at + size, at + 2 * size);
        int sourcePort = (bytes[at + 2 * size] & 0xff) << 8 | (bytes[at + 2 * size + 1] & 0xff);
        int destinationPort = (bytes[at + 2 * size + 2] & 0xff) << 8 | (bytes[at + 2 * size + 3] & 0xff);
        return new ProxyHeader(count, address(IpLiteral.of(source), sourcePort), address(IpLiteral.of(destination), destinationPort));
    }

    private static ProxyHeader parseV1(String line, int count) throws MalformedProxyHeader {
        String rest = line.substring(V1_PREFIX.length);
        if (rest.equals("UNKNOWN") || rest.startsWith("UNKNOWN ")) {
            return new ProxyHeader(count, null, null);
        }
        String[] fields = rest.split(" ", -1);
        if (fields.length != 5) {
            throw new MalformedProxyHeader("a PROXY v1 line with " + fields.length + " fields where 5 are expected: " + printable(line));
        }
        boolean v4 = fields[0].equals("TCP4");
        if (!v4 && !fields[0].equals("TCP6")) {
            throw new MalformedProxyHeader("a PROXY v1 line with protocol " + printable(fields[0]));
        }
        IpLiteral source = literal(fields[1], v4);
        IpLiteral destination = literal(fields[2], v4);
        return new ProxyHeader(count, address(source, port(fields[3])), address(destination, port(fields[4])));
    }

    /** A numeric address of the family the v1 line names; never a name (nothing is looked up). */
    private static IpLiteral literal(String text, boolean v4) throws MalformedProxyHeader {
        boolean looksV6 = text.indexOf(':') >= 0;
        IpLiteral address = looksV6 == !v4 ? IpLiteral.parse(text) : null;
        if (address == null) {
            throw new MalformedProxyHeader("a PROXY v1 line with " + printable(text) + " where a numeric "
                    + (v4 ? "IPv4" : "IPv6") + " address is expected");
        }
        return address;
    }

    private static int port(String text) throws MalformedProxyHeader {
        boolean digits = !text.isEmpty() && text.length() <= 5 && (text.length() == 1 || text.charAt(0) != '0');
        for (int i = 0; digits && i < text.length(); i++) {
            digits = text.charAt(i) >= '0' && text.charAt(i) <= '9';
        }
        int port = digits ? Integer.parseInt(text) : -1;
        if (port < 0 || port > 65_535) {
            throw new MalformedProxyHeader("a PROXY v1 line with port " + printable(text));
        }
        return port;
    }

    /** The bridge header's address form (what {@code BridgeHeader.parseAddress} reads back). */
    private static String address(IpLiteral address, int port) {
        return address.isIpv4() ? address + ":" + port : "[" + address + "]:" + port;
    }

    private static boolean startsWith(byte[] bytes, int count, byte[] prefix) {
        for (int i = 0; i < count; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** At most 32 bytes for a log line, anything outside printable ASCII as \xNN. */
    static String printable(byte[] bytes, int count) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < Math.min(count, 32); i++) {
            int b = bytes[i] & 0xff;
            if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
                out.append((char) b);
            } else {
                out.append(String.format("\\x%02x", b));
            }
        }
        return out.append(count > 32 ? "\"..." : "\"").toString();
    }

    private static String printable(String text) {
        return printable(text.getBytes(StandardCharsets.ISO_8859_1), text.length());
    }
}
