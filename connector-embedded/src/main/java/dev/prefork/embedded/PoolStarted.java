package dev.prefork.embedded;

/**
 * A CDI event fired when a listener bean's pool serves: its ports are bound and its workers accept.
 * Observe it to log or count ({@code void started(@Observes PoolStarted event)}); the observer runs in
 * this JVM, as all application code does here: the worker processes only accept connections and hand
 * them over, they run none of the application's classes.
 *
 * @param pool the running pool
 */
public record PoolStarted(ListenerPool pool) {
}
