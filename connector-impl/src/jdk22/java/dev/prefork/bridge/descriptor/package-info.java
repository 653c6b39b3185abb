/**
 * The controlling JVM's end of {@code handoff descriptor}: a Unix-domain socket on which each worker keeps
 * one {@link dev.prefork.bridge.descriptor.HandoffLink} for its life and hands over every accepted client
 * socket, which a {@link dev.prefork.bridge.descriptor.ClientIntake} gets: taken from the worker with
 * pidfd_getfd by the number it names ({@code descriptor_transfer pidfd}, a stream link) or received in an
 * SCM_RIGHTS message ({@code message}, a SOCK_SEQPACKET link); the handler then reads and writes the client
 * directly. Needs the FFM API (JDK 22+), so it is compiled from the {@code jdk22} source root into the
 * process jar and loaded inside the application server by a class loader of its own. Depends on
 * {@link dev.prefork.bridge} and {@link dev.prefork.posix}.
 */
package dev.prefork.bridge.descriptor;
