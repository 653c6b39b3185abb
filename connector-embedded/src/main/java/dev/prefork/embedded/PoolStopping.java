package dev.prefork.embedded;

/**
 * A CDI event fired when a listener bean's pool is about to stop (the container is shutting down): its
 * workers still serve, and get {@code graceful_shutdown_timeout} seconds to finish their connections once
 * every observer returned. Application-scoped beans are still usable in the observer.
 *
 * @param pool the pool that stops
 */
public record PoolStopping(ListenerPool pool) {
}
