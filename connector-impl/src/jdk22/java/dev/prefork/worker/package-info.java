/**
 * A worker process: takes its turn at the accept lock, accepts one client at a time on the listening
 * socket inherited as standard input, hands it over through {@link dev.prefork.bridge.handover}, records
 * its state on the scoreboard, and leaves after {@code max_requests} connections or when the supervisor
 * asks. Runs on JDK 22+; depends on {@link dev.prefork.bridge.handover}, {@link dev.prefork.posix} and
 * {@link dev.prefork.engine.protocol}.
 */
package dev.prefork.worker;
