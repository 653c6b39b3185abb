/**
 * The worker's end of the bridge: accept a client and hand it to the controlling JVM, either by naming the
 * socket's descriptor number for the controlling JVM to take with pidfd_getfd
 * ({@link dev.prefork.bridge.handover.PidfdHandover}, plain JDK channels), by passing the socket itself in
 * an SCM_RIGHTS message ({@link dev.prefork.bridge.handover.DescriptorHandover}), or by relaying its bytes
 * ({@link dev.prefork.bridge.handover.RelayHandover}). Runs in every worker process, so the default path
 * keeps to plain JDK APIs and only the message transfer links the few native calls it needs.
 * {@link dev.prefork.bridge.handover.ChannelDescriptors} is compiled apart (it reads sun.nio.ch).
 * Depends on {@link dev.prefork.bridge}, {@link dev.prefork.posix} and the shared
 * {@link dev.prefork.engine.protocol}.
 */
package dev.prefork.bridge.handover;
