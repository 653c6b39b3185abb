package dev.prefork.embedded;

/**
 * A CDI event fired when a listener bean's pool is about to stop (the container is shutting down, or the
 * JVM is exiting without having closed it), once per pool, on the thread that stops that pool: its
 * workers still serve, and get {@code graceful_shutdown_timeout} seconds to finish their connections once
 * every observer returned. Application-scoped beans are still usable in the observer. When the JVM exits
 * while the container is still starting, it can come before the pool's {@link PoolStarted}.
 *
 * @param pool the pool that stops
 */
public record PoolStopping(ListenerPool pool) {
}
