/**
 * The supervisor process: binds the ports, makes the accept locks, spawns and reaps the workers and
 * keeps {@code max_servers} of them per port. One loop ({@link dev.prefork.supervisor.Arbiter}) decides;
 * threads that watch the outside world (signals, child exits, worker hellos, the controlling JVM's
 * commands) only queue events for it. Runs on JDK 22+, started by {@link dev.prefork.engine.launch};
 * depends on {@link dev.prefork.posix} and {@link dev.prefork.engine.protocol}.
 */
package dev.prefork.supervisor;
