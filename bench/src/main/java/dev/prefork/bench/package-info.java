/**
 * The benchmark harness: runs our engine, the WildFly MDB path, Net::Server::PreForkSimple and a direct
 * JVM server side by side, interleaved, and writes the report. Not part of the test command.
 */
package dev.prefork.bench;
