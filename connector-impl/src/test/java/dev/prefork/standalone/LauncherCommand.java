package dev.prefork.standalone;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The command that runs the launcher as a process from the test class path, as {@code java -jar prefork.jar} would. */
final class LauncherCommand {
    private LauncherCommand() {
    }

    /** {@code java ... StandaloneMain} followed by {@code args}. */
    static List<String> of(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.prefork.standalone.StandaloneMain"));
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
