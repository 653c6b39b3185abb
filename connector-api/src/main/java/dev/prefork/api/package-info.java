/**
 * What a listener author compiles against: {@link dev.prefork.api.PreforkListener} (the MDB's one
 * method), {@link dev.prefork.api.PreforkDequeue} (the same with periodic dequeue jobs),
 * {@link dev.prefork.api.PreforkConnection} (one client connection) and the facts about the worker
 * that accepted it. Depends on the JDK alone (Java 17), so it can sit in an EAR's {@code lib/} beside any
 * server's classes.
 */
package dev.prefork.api;
