package dev.prefork.bridge;

/**
 * Strict parsers for numeric IP addresses and ports as the bridge header carries them. They never
 * touch a name resolver ({@code InetAddress.getByName} on a non-literal would), and they return null
 * (or -1) on anything else, so that a malformed header is an error and never a DNS query.
 */
final class NumericAddresses {
    private NumericAddresses() {
    }

    /** The 4 bytes of a dotted quad ({@code 0-255} each, decimal, 1 to 3 digits), or null. */
    static byte[] ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int value = decimal(parts[i], 3);
            if (value < 0 || value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    /** The 16 bytes of an IPv6 literal (RFC 4291 text forms, without brackets or zone), or null. */
    static byte[] ipv6(String text) {
        if (text.length() < 2 || text.length() > 45) {
            return null;
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        int[] groups = new int[8];
        int before;
        int after;
        if (gap < 0) {
            before = groups(text, true, groups, 0, 8);
            if (before != 8) {
                return null;
            }
            after = 0;
        } else {
            before = groups(text.substring(0, gap), false, groups, 0, 7);
            if (before < 0) {
                return null;
            }
            int[] tail = new int[8];
            after = groups(text.substring(gap + 2), true, tail, 0, 7 - before);
            if (after < 0) {
                return null;
            }
            System.arraycopy(tail, 0, groups, 8 - after, after);
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[2 * i] = (byte) (groups[i] >> 8);
            bytes[2 * i + 1] = (byte) groups[i];
        }
        return bytes;
    }

    /**
     * Parses colon-separated 16-bit groups into {@code into} from {@code at}; the last may be a dotted
     * quad (two groups) when {@code mayEndInIpv4}. Returns the count of groups, or -1 when malformed or
     * more than {@code max}. An empty text is zero groups.
     */
    private static int groups(String text, boolean mayEndInIpv4, int[] into, int at, int max) {
        if (text.isEmpty()) {
            return 0;
        }
        String[] parts = text.split(":", -1);
        int count = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (mayEndInIpv4 && i == parts.length - 1 && part.indexOf('.') >= 0) {
                byte[] quad = ipv4(part);
                if (quad == null || count + 2 > max) {
                    return -1;
                }
                into[at + count++] = ((quad[0] & 0xff) << 8) | (quad[1] & 0xff);
                into[at + count++] = ((quad[2] & 0xff) << 8) | (quad[3] & 0xff);
                continue;
            }
            int value = hex(part);
            if (value < 0 || count + 1 > max) {
                return -1;
            }
            into[at + count++] = value;
        }
        return count;
    }

    /** A TCP port, 0 to 65535, in decimal of 1 to 5 digits; -1 otherwise. */
    static int port(String text) {
        int value = decimal(text, 5);
        return value <= 65535 ? value : -1;
    }

    private static int decimal(String text, int maxDigits) {
        if (text.isEmpty() || text.length() > maxDigits) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static int hex(String text) {
        if (text.isEmpty() || text.length() > 4) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++) {
            int digit = Character.digit(text.charAt(i), 16);
            if (digit < 0 || text.charAt(i) > 'f') {
                return -1;
            }
            value = value * 16 + digit;
        }
        return value;
    }
}
