package dev.prefork.engine.config;

import java.util.Locale;

/**
 * How the workers of a program pool ({@code worker_program}) receive the listening socket: the two
 * conventions existing servers already understand, so that they run under the supervisor unchanged.
 */
public enum ProgramSocket {
    /** systemd's socket activation: descriptors 3 and up, LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES set. */
    LISTEN_FDS,
    /** inetd's {@code wait} mode: the listening socket is descriptor 0 (one port only); 1 and 2 go to the log. */
    STDIN,
    /**
     * inetd's {@code wait} mode exactly (and systemd's {@code StandardInput=socket}): the listening socket
     * is descriptors 0, 1 and 2 (one port only), for programs that check all three.
     */
    STDIO;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
