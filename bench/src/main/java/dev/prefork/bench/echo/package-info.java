/**
 * The reference servers the harness measures against (a direct single-JVM echo server).
 */
package dev.prefork.bench.echo;
