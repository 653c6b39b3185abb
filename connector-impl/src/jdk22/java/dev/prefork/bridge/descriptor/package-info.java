/**
 * The controlling JVM's end of {@code handoff descriptor}: a {@code SOCK_SEQPACKET} socket on which each
 * worker keeps one {@link dev.prefork.bridge.descriptor.HandoffLink} for its life and passes every
 * accepted client socket itself ({@code SCM_RIGHTS}); the handler then reads and writes the client
 * directly. Needs the FFM API (JDK 22+), so it is compiled from the {@code jdk22} source root into the
 * process jar and loaded inside the application server by a class loader of its own. Depends on
 * {@link dev.prefork.bridge} and {@link dev.prefork.posix}.
 */
package dev.prefork.bridge.descriptor;
