package dev.prefork.engine.access;

/**
 * A block of addresses, as Net::CIDR takes them for {@code cidr_allow} / {@code cidr_deny}:
 * {@code 192.168.0.0/16}, {@code 2001:db8::/32}, or a single address. An IPv4 block never matches an
 * IPv6 client (other than an IPv4-mapped one, which {@link IpLiteral} reads as IPv4) and the other way
 * round.
 */
public final class CidrBlock {
    private final IpLiteral network;
    private final int prefixLength;
    private final String text;

    private CidrBlock(IpLiteral network, int prefixLength, String text) {
        this.network = network;
        this.prefixLength = prefixLength;
        this.text = text;
    }

    /** Parses {@code text}; throws {@link IllegalArgumentException} saying what is wrong with it. */
    public static CidrBlock parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        IpLiteral network = IpLiteral.parse(address);
        if (network == null) {
            throw new IllegalArgumentException(text + " is not an address block: " + address
                    + " is not a numeric IPv4 or IPv6 address (host names are never looked up)");
        }
        int maxLength = network.length() * 8;
        int length = maxLength;
        if (slash >= 0) {
            String digits = text.substring(slash + 1);
            if (digits.isEmpty() || digits.length() > 3 || !allDigits(digits)) {
                throw new IllegalArgumentException(text + " is not an address block: the prefix length after / must be 0 to " + maxLength);
            }
            length = Integer.parseInt(digits);
            if (length > maxLength) {
                throw new IllegalArgumentException(text + " is not an address block: the prefix length after / must be 0 to " + maxLength);
            }
        }
        return new CidrBlock(network, length, text);
    }

    private static boolean allDigits(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code address} lies in this block. */
    public boolean contains(IpLiteral address) {
        if (address.length() != network.length()) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (address.octet(i) != network.octet(i)) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address.octet(fullBytes) & mask) == (network.octet(fullBytes) & mask);
    }

    @Override
    public String toString() {
        return text;
    }
}
