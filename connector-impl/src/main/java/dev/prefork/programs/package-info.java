/**
 * Supervising programs that are not ours: a program pool ({@code worker_program}, {@code max_servers}
 * copies of any server that takes its listening socket as systemd's socket activation or inetd's wait
 * mode hands it over) and the hydra's list of programs kept running ({@code program}). This package holds
 * what the standalone launcher (Java 17) decides and checks before anything starts: the plan read from
 * the settings ({@link dev.prefork.programs.ProgramPlan}), the restart policy ({@link
 * dev.prefork.programs.RestartPolicy}) and the interface of a running supervision ({@link
 * dev.prefork.programs.ProgramSupervision}). The supervision itself spawns with posix_spawn and so lives
 * in the process jar ({@code dev.prefork.keeper}, JDK 22+). Depends on {@code dev.prefork.engine.config}.
 */
package dev.prefork.programs;
