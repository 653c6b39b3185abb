package dev.prefork.standalone;

import dev.prefork.engine.config.Settings;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The command that runs the launcher as a process from the test class path, as {@code java -jar prefork.jar} would. */
public final class LauncherCommand {
    private LauncherCommand() {
    }

    /**
     * {@code java ... StandaloneMain} followed by {@code args}, with the JVM the launcher would restart itself into
     * (the default launcher_jvm_options, marked restarted): the launcher that runs is the one a user gets, and the
     * test pays one JVM start for it, not two. LauncherJvmTest starts {@link #unsized} launchers to test the restart.
     */
    public static List<String> of(String... args) {
        return ofClassPath(System.getProperty("java.class.path"), args);
    }

    /**
     * As {@link #of}, from {@code classPath}: {@link ReadableCopies#classPath} for a launcher that runs as another
     * user, or whose supervisor and workers do (they run the process jar found on the launcher's class path).
     */
    static List<String> ofClassPath(String classPath, String... args) {
        return sized(classPath, StandaloneMain.class.getName(), args);
    }

    /** As {@link #of}, with {@code mainClass} (one that calls StandaloneMain, such as {@link HeldStartLauncher}) as the main class. */
    static List<String> withMain(String mainClass, String... args) {
        return sized(System.getProperty("java.class.path"), mainClass, args);
    }

    private static List<String> sized(String classPath, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(Settings.LAUNCHER_JVM_OPTIONS.parse(Settings.LAUNCHER_JVM_OPTIONS.defaultValue()));
        command.add("-D" + LauncherJvm.RESTARTED_PROPERTY + "=true");
        command.addAll(mainWith(classPath, mainClass, args));
        return command;
    }

    /** {@code java ... StandaloneMain} followed by {@code args}, with the JVM's defaults: the launcher restarts itself sized. */
    static List<String> unsized(String... args) {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(mainWith(System.getProperty("java.class.path"), StandaloneMain.class.getName(), args));
        return command;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static List<String> mainWith(String classPath, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED", "-cp", classPath, mainClass));
        command.addAll(List.of(args));
        return command;
    }

    /** Starts {@code command} with its output and errors on one stream and no input, added to {@code started}. */
    static Process start(List<String> command, List<Process> started) throws IOException {
        Process launcher = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(launcher);
        launcher.getOutputStream().close();
        return launcher;
    }

    /**
     * Stops each process and everything below it: TERM first, so that a server's own stop removes what it
     * made (its private directory, its pid file), then, after at most 60 s, whatever is left by force.
     */
    static void stopAll(List<ProcessHandle> processes) throws Exception {
        for (ProcessHandle process : processes) {
            List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
            tree.add(0, process);
            process.destroy();
            try {
                process.onExit().get(60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                // forced below
            }
            for (ProcessHandle each : tree) {
                each.destroyForcibly();
                each.onExit().get(30, TimeUnit.SECONDS);
            }
        }
    }
}
