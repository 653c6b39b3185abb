/**
 * The worker's end of the bridge: accept a client and hand it to the controlling JVM, either by passing
 * the socket itself ({@link dev.prefork.bridge.handover.DescriptorHandover}) or by relaying its bytes
 * ({@link dev.prefork.bridge.handover.RelayHandover}). Runs in every worker process, so it keeps to
 * plain JDK APIs on the relay path and links only the few native calls descriptor passing needs.
 * Depends on {@link dev.prefork.bridge}, {@link dev.prefork.posix} and the shared
 * {@link dev.prefork.engine.protocol}.
 */
package dev.prefork.bridge.handover;
