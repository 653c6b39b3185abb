package dev.prefork.engine.proxy;

/**
 * One parsed PROXY header.
 *
 * @param length      the header's bytes, all consumed from the connection
 * @param source      the client's address as the balancer saw it ({@code 192.0.2.1:40000} or
 *                    {@code [2001:db8::1]:40000}, the bridge header's form); null when the header carries
 *                    none (v2 {@code LOCAL}, v1 {@code UNKNOWN}, or a family other than TCP over IPv4/IPv6):
 *                    then the connection's own addresses stand, as the specification says
 * @param destination the address the client connected to at the balancer; null exactly when source is
 */
public record ProxyHeader(int length, String source, String destination) {
    /** Whether the header names the client (false: a balancer's own check, or an address family we do not carry). */
    public boolean carriesAddresses() {
        return source != null;
    }
}
