/**
 * The load generator: client loops, connection modes (new connection per request, keep-alive), and
 * latency recording.
 */
package dev.prefork.bench.load;
