/**
 * The controlling JVM's end of {@code handoff relay}: a Unix-domain socket to which a worker opens one
 * connection per client and copies the client's bytes both ways; the handler's answers go back framed.
 * Plain JDK 17 APIs, so it serves JDK 17 application servers. Depends on {@link dev.prefork.bridge}.
 */
package dev.prefork.bridge.relay;
