/**
 * What the three kinds of process (controlling JVM, supervisor, workers) agree on outside the bridge:
 * the supervisor's command protocol, the environment a worker is started with, the memory-mapped
 * scoreboard, and the log line format. Compiled for Java 17 and loaded cold in every worker, so it uses
 * no lambdas or string-concatenation bootstraps on its hot paths. Depends on the JDK only.
 */
package dev.prefork.engine.protocol;
