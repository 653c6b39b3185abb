/**
 * The PROXY protocol (HAProxy's specification, versions 1 and 2): the header a TCP balancer puts in
 * front of a client's bytes to say whom it forwards. {@link dev.prefork.engine.proxy.ProxyHeaderParser}
 * tells a worker exactly how many bytes to read next, so that not one byte of the client's own is
 * consumed (with {@code handoff descriptor} the socket goes on to the controlling JVM, which reads the
 * rest), and reads addresses as literals by hand: nothing from a header ever reaches the name resolver.
 *
 * <p>A small parser of our own rather than Netty's {@code netty-codec-haproxy}: it is loaded cold in
 * every worker process, where Netty's decoder would bring its buffer, channel-pipeline and logging
 * classes to read at most a few hundred bytes once per connection. Depends on the JDK and
 * {@link dev.prefork.engine.access} only; Java 17; plain loops, no lambdas, for a worker's start-up.
 */
package dev.prefork.engine.proxy;
