package dev.prefork.engine.config;

import java.util.Locale;

/** How a worker hands each connection it accepted to the controlling JVM. */
public enum Handoff {
    /** {@link #DESCRIPTOR} where the controlling JVM supports it, else {@link #RELAY}. */
    AUTO,
    /**
     * The accepted socket itself travels to the controlling JVM over the worker's Unix-domain link
     * (SCM_RIGHTS); the handler reads and writes the client directly and the worker waits until it is
     * done. No byte is copied through the worker. Needs the FFM API (JDK 22+) in the controlling JVM.
     */
    DESCRIPTOR,
    /** The worker opens a bridge connection per client and copies the bytes both ways. Works on JDK 17. */
    RELAY;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
