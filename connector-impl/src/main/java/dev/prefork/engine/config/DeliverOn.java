package dev.prefork.engine.config;

import java.util.Locale;

/** When a connection handed to this JVM is given to the handler (with {@code handoff descriptor} and {@code max_clients} above 0). */
public enum DeliverOn {
    /**
     * Once the client has sent its first bytes: until then the connection waits in one poller, costing a
     * descriptor and no thread, and {@code first_byte_timeout} closes it if nothing comes. For protocols in
     * which the client speaks first (most).
     */
    FIRST_BYTE,
    /** At once, as soon as it is taken: for protocols in which the server speaks first (daytime, SMTP, FTP). */
    ACCEPT;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
