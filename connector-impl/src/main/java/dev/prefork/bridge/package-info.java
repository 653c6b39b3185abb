/**
 * The bridge: how a connection a worker accepted reaches the controlling JVM. This package holds what
 * both ends share and what the controlling JVM's code sees: the header a worker sends with each
 * connection ({@link dev.prefork.bridge.BridgeHeader}), the relay's framing, the
 * {@link dev.prefork.bridge.Receiver} a bridge presents, the connection a handler is given
 * ({@link dev.prefork.bridge.ServedConnection}, with the one way to refuse a client), and the
 * {@link dev.prefork.bridge.ConnectionHandler} that serves it.
 *
 * <p>The ends live in sub-packages named for their role: {@code handover} (the worker's end, JDK 22
 * source root), {@code relay} (the controlling JVM's end when bytes are relayed, JDK 17) and
 * {@code descriptor} (the controlling JVM's end when the socket itself is passed, JDK 22 source root,
 * loaded by {@link dev.prefork.bridge.DescriptorReceivers}). Depends on the JDK and {@code connector-api}
 * only (the ends also use {@link dev.prefork.engine.protocol}'s gate and log throttle); Java 17.
 */
package dev.prefork.bridge;
