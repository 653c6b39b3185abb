/**
 * What the three kinds of process (controlling JVM, supervisor, workers) agree on outside the bridge:
 * the supervisor's command protocol, the environment a worker is started with, the memory-mapped
 * scoreboard, the log line format, and reading a peer's first message in bounded time and space
 * ({@link dev.prefork.engine.protocol.FirstMessageGate}). Compiled for Java 17 and loaded cold in every worker, so it uses
 * no lambdas or string-concatenation bootstraps on its hot paths. Depends on the JDK only.
 */
package dev.prefork.engine.protocol;
