/**
 * Starting the supervisor from the controlling JVM: finding a JDK 22+, extracting the process jar into
 * the per-user cache, the private runtime directory, and the supervisor process with its pipes and log.
 * Plain {@code ProcessBuilder}: the controlling JVM makes no native call. Depends on
 * {@link dev.prefork.engine.config} and {@link dev.prefork.engine.protocol}.
 */
package dev.prefork.engine.launch;
