package dev.prefork.engine.protocol;

/**
 * The environment variables through which the supervisor tells a worker what it needs. The environment,
 * unlike the command line, is readable only by our own user ({@code /proc/PID/environ} is mode 0400), so
 * the bridge secret travels here.
 */
public final class WorkerEnvironment {
    public static final String NAME = "PREFORK_NAME";
    public static final String SECRET = "PREFORK_SECRET";
    public static final String BRIDGE_SOCKET = "PREFORK_BRIDGE_SOCKET";
    public static final String SUPERVISOR_SOCKET = "PREFORK_SUPERVISOR_SOCKET";
    public static final String SCOREBOARD = "PREFORK_SCOREBOARD";
    public static final String SLOT = "PREFORK_SLOT";
    public static final String PORT_INDEX = "PREFORK_PORT_INDEX";
    public static final String MAX_REQUESTS = "PREFORK_MAX_REQUESTS";
    public static final String SERIALIZE = "PREFORK_SERIALIZE";
    /** The lock file (flock), the FIFO (pipe) or the semaphore id (semaphore). */
    public static final String ACCEPT_LOCK = "PREFORK_ACCEPT_LOCK";
    public static final String GRACE_SECONDS = "PREFORK_GRACE_SECONDS";
    /** {@code descriptor} or {@code relay}: never {@code auto}, the controlling JVM has decided. */
    public static final String HANDOFF = "PREFORK_HANDOFF";
    /** With handoff descriptor: {@code pidfd} or {@code message}, never {@code auto} (decided at pool start). */
    public static final String DESCRIPTOR_TRANSFER = "PREFORK_DESCRIPTOR_TRANSFER";
    /**
     * Set ({@code 1}) for a worker that trains the workers' AOT cache (JDK 25): at its exit the JVM starts a child JVM
     * that assembles the cache and inherits the worker's standard input, its listening socket, and both hold the
     * port for the second or more that takes; the worker lets go of the socket before it exits, so that a
     * supervisor restarted on the same port can bind it.
     */
    public static final String RELEASE_LISTENER_AT_EXIT = "PREFORK_RELEASE_LISTENER_AT_EXIT";
    /** Prefix of the access settings ({@code PREFORK_ACCESS_ALLOW}, ...): set only when given. */
    public static final String ACCESS_PREFIX = "PREFORK_ACCESS_";

    private WorkerEnvironment() {
    }
}
