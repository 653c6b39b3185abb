/**
 * The few libc calls the supervisor, the workers and the descriptor bridge need (spawn, sockets,
 * descriptor passing, semaphores, signals), bound with the Foreign Function &amp; Memory API (JDK 22+):
 * no native library of ours. Linux, glibc, x86_64 and aarch64. Depends on the JDK only.
 */
package dev.prefork.posix;
