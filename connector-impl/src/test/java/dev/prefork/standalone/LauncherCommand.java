package dev.prefork.standalone;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
}
