/**
 * The program keeper: keeps programs that are not ours running as children of the standalone launcher
 * (see {@code dev.prefork.programs}, which plans and checks what this package runs). A program pool's
 * workers get the listening sockets the way systemd's socket activation or inetd's wait mode hands them
 * over, through posix_spawn file actions (a ProcessBuilder cannot put a descriptor at a fixed number);
 * every program leads a process group of its own, so that a stop reaches whatever it started; each is
 * waited for by its pid (never {@code waitpid(-1)}: the launcher's other children belong to the JDK), and
 * its output is logged line by line with its name and pid. One loop thread makes every decision.
 * Loaded by the launcher from the process jar (JDK 22+). Depends on {@code dev.prefork.programs},
 * {@code dev.prefork.posix} and the supervisor's {@code ListeningSocket}.
 */
package dev.prefork.keeper;
