package dev.prefork.engine.config;

import java.util.Locale;

/**
 * With {@code handoff descriptor}: how the accepted socket gets from a worker into the controlling JVM.
 * Chosen once when the pool starts, never per connection.
 */
public enum DescriptorTransfer {
    /** {@link #PIDFD} where a probe at pool start says it works, else {@link #MESSAGE}. */
    AUTO,
    /**
     * The controlling JVM takes the socket itself with {@code pidfd_getfd} (Linux 5.6+), by the number the
     * worker names: the worker then needs no native calls, which saves it linking the FFM API at every start.
     */
    PIDFD,
    /** The worker sends the socket in an {@code SCM_RIGHTS} message; the worker links a few native calls (FFM). */
    MESSAGE;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
