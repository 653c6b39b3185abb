package dev.prefork.engine.access;

/**
 * A numeric IPv4 or IPv6 address parsed from text by hand, so that no string can ever reach the name
 * resolver ({@code InetAddress.getByName("999.1.1.1")} would ask DNS). An IPv4-mapped IPv6 address
 * ({@code ::ffff:192.0.2.1}) is taken as the IPv4 address it carries, as Net::Server does before
 * matching, so that one IPv4 rule covers a client on a dual-stack socket too.
 */
public final class IpLiteral {
    private final byte[] bytes;

    private IpLiteral(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Parses {@code text}, or returns null when it is not a numeric IPv4 or IPv6 address. */
    public static IpLiteral parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return null;
        }
        byte[] parsed = text.indexOf(':') >= 0 ? parseIpv6(text) : parseIpv4(text);
        if (parsed == null) {
            return null;
        }
        if (parsed.length == 16 && isIpv4Mapped(parsed)) {
            byte[] v4 = new byte[4];
            System.arraycopy(parsed, 12, v4, 0, 4);
            parsed = v4;
        }
        return new IpLiteral(parsed);
    }

    /**
     * The address in {@code bytes} (4 for IPv4, 16 for IPv6, network order, as a PROXY v2 header carries
     * it); an IPv4-mapped IPv6 address becomes the IPv4 address, as {@link #parse} makes it.
     *
     * @throws IllegalArgumentException when {@code bytes} is neither 4 nor 16 long
     */
    public static IpLiteral of(byte[] bytes) {
        if (bytes.length != 4 && bytes.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + bytes.length);
        }
        if (bytes.length == 16 && isIpv4Mapped(bytes)) {
            return new IpLiteral(java.util.Arrays.copyOfRange(bytes, 12, 16));
        }
        return new IpLiteral(bytes.clone());
    }

    /** 4 bytes for IPv4, 16 for IPv6, network order. */
    public byte[] bytes() {
        return bytes.clone();
    }

    public boolean isIpv4() {
        return bytes.length == 4;
    }

    /** Byte {@code index} of the address, 0 to 255. */
    int octet(int index) {
        return bytes[index] & 0xff;
    }

    int length() {
        return bytes.length;
    }

    /**
     * The address as Net::Server's {@code peeraddr} shows it, for regular expressions written against
     * it: dotted quad for IPv4; for IPv6 the RFC 5952 form (lower case, leading zeros dropped, the longest
     * run of two or more zero groups as {@code ::}), e.g. {@code ::1}, {@code 2001:db8::7}.
     */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(39);
        if (bytes.length == 4) {
            out.append(octet(0)).append('.').append(octet(1)).append('.').append(octet(2)).append('.').append(octet(3));
            return out.toString();
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = octet(2 * i) << 8 | octet(2 * i + 1);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    private static boolean isIpv4Mapped(byte[] v6) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return false;
            }
        }
        return (v6[10] & 0xff) == 0xff && (v6[11] & 0xff) == 0xff;
    }

    /** Four decimal numbers 0 to 255 separated by dots, no leading zeros but a lone 0 (no octal surprises). */
    private static byte[] parseIpv4(String text) {
        byte[] out = new byte[4];
        int part = 0;
        int value = -1;
        int digits = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return null;
                }
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (++digits > 3 || value > 255) {
                    return null;
                }
            } else if (c == '.') {
                if (digits == 0 || part == 4) {
                    return null;
                }
                out[part++] = (byte) value;
                value = -1;
                digits = 0;
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    /** RFC 4291 text: up to eight hex groups, one {@code ::}, an optional dotted IPv4 tail; no zone. */
    private static byte[] parseIpv6(String text) {
        int doubleColon = text.indexOf("::");
        if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
            return null;
        }
        String head = doubleColon >= 0 ? text.substring(0, doubleColon) : text;
        String tail = doubleColon >= 0 ? text.substring(doubleColon + 2) : "";
        // A dotted IPv4 part may only end the whole address.
        int[] headGroups = groups(head, doubleColon < 0);
        int[] tailGroups = doubleColon >= 0 ? groups(tail, true) : new int[0];
        if (headGroups == null || tailGroups == null) {
            return null;
        }
        int total = headGroups.length + tailGroups.length;
        if (doubleColon < 0 ? total != 8 : total > 7) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < headGroups.length; i++) {
            out[2 * i] = (byte) (headGroups[i] >> 8);
            out[2 * i + 1] = (byte) headGroups[i];
        }
        int offset = 8 - tailGroups.length;
        for (int i = 0; i < tailGroups.length; i++) {
            out[2 * (offset + i)] = (byte) (tailGroups[i] >> 8);
            out[2 * (offset + i) + 1] = (byte) tailGroups[i];
        }
        return out;
    }

    /** Colon-separated hex groups; the last may be a dotted IPv4 address (two groups) when allowed. */
    private static int[] groups(String text, boolean ipv4TailAllowed) {
        if (text.isEmpty()) {
            return new int[0];
        }
        String[] parts = text.split(":", -1);
        int extra = 0;
        String last = parts[parts.length - 1];
        byte[] v4 = null;
        if (last.indexOf('.') >= 0) {
            if (!ipv4TailAllowed || (v4 = parseIpv4(last)) == null) {
                return null;
            }
            extra = 1;
        }
        int[] out = new int[parts.length + extra];
        for (int i = 0; i < parts.length - (v4 != null ? 1 : 0); i++) {
            String group = parts[i];
            if (group.isEmpty() || group.length() > 4) {
                return null;
            }
            int value = 0;
            for (int j = 0; j < group.length(); j++) {
                int digit = Character.digit(group.charAt(j), 16);
                if (digit < 0) {
                    return null;
                }
                value = value << 4 | digit;
            }
            out[i] = value;
        }
        if (v4 != null) {
            out[parts.length - 1] = (v4[0] & 0xff) << 8 | (v4[1] & 0xff);
            out[parts.length] = (v4[2] & 0xff) << 8 | (v4[3] & 0xff);
        }
        return out;
    }
}
