package dev.prefork.engine.config;

import java.util.Locale;

/**
 * How the workers of one pool take turns in {@code accept()}: the four options of Net::Server's
 * PreForkSimple, with its default ({@code flock}).
 */
public enum Serialize {
    /** An exclusive lock on {@code lock_file}; released by the kernel when its holder dies. */
    FLOCK,
    /** A SysV semaphore taken with SEM_UNDO; released by the kernel when its holder dies. */
    SEMAPHORE,
    /** One token in a pipe; the supervisor puts a new token in when a worker dies holding it. */
    PIPE,
    /** No serialization: every idle worker blocks in accept(); Linux wakes one of them per connection. */
    NONE;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
