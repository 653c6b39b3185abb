package dev.prefork.engine.config;

import java.util.Locale;

/**
 * One {@code port} setting in Net::Server's syntax: {@code 20204}, {@code localhost:20204},
 * {@code 127.0.0.1:20204}, {@code [::1]:20204}, {@code *:20204} (all addresses), or the path of a
 * UNIX socket, {@code /run/app.sock} (optionally written {@code /run/app.sock|unix}). A trailing
 * {@code /tcp} or {@code |tcp} is accepted and ignored. Port 0 binds a free port chosen by the kernel.
 *
 * @param host     the host to bind; {@code *} for every address; {@code null} for a UNIX socket
 * @param port     the TCP port, or -1 for a UNIX socket
 * @param unixPath the socket file's path, or {@code null} for TCP
 */
public record PortSpec(String host, int port, String unixPath) {

    public static final String ANY_HOST = "*";

    public boolean isUnix() {
        return unixPath != null;
    }

    /** Parses one value of the {@code port} setting; a bare port number binds {@code defaultHost}. */
    public static PortSpec parse(String value, String defaultHost) {
        String text = value.trim();
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.endsWith("/tcp") || lower.endsWith("|tcp")) {
            text = text.substring(0, text.length() - 4);
        }
        if (text.startsWith("/")) {
            String path = lower.endsWith("|unix") ? text.substring(0, text.length() - 5) : text;
            if (path.length() > 107) {
                throw new ConfigException(EngineConfig.PORT, value, "a UNIX socket path can have at most 107 bytes");
            }
            return new PortSpec(null, -1, path);
        }
        String host = defaultHost;
        String portText = text;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw new ConfigException(EngineConfig.PORT, value, "an IPv6 address is written [address]:port, e.g. [::1]:20204");
            }
            host = text.substring(1, close);
            portText = text.substring(close + 2);
        } else if (text.indexOf(':') >= 0) {
            int colon = text.lastIndexOf(':');
            if (text.indexOf(':') != colon) {
                throw new ConfigException(EngineConfig.PORT, value, "an IPv6 address is written [address]:port, e.g. [::1]:20204");
            }
            host = text.substring(0, colon);
            portText = text.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new ConfigException(EngineConfig.PORT, value, "the host before ':' is empty");
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(EngineConfig.PORT, value,
                    "must be a port number from 0 to 65535, optionally with a host (localhost:20204, [::1]:20204), or an absolute UNIX socket path");
        }
        return new PortSpec(host, port, null);
    }

    /** The canonical text form, which {@link #parse} reads back to an equal spec. */
    @Override
    public String toString() {
        if (isUnix()) {
            return unixPath + "|unix";
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
