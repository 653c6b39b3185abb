package dev.prefork.standalone;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that started this launcher, rebuilt for starting it again: the same JDK, JVM options, class
 * path, main class and arguments. A JVM cannot fork, so {@code background} starts this command as its
 * daemon and a launcher that sizes its own JVM replaces itself with it.
 */
final class OwnCommand {

    private OwnCommand() {
    }

    /** The JVM options this JVM was started with (from the command line and JDK_JAVA_OPTIONS). */
    static List<String> jvmOptions() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments();
    }

    /** The java program of this JVM's JDK. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** This launcher's command with {@code addedOptions} before its own JVM options (so that its own win). */
    static List<String> with(List<String> addedOptions, String[] args) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(addedOptions);
        List<String> jvmOptions = jvmOptions();
        if (jvmOptions.stream().noneMatch(option -> option.startsWith("--enable-native-access"))) {
            command.add("--enable-native-access=ALL-UNNAMED"); // java -jar had it from the manifest; -cp does not
        }
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StandaloneMain.class.getName());
        command.addAll(List.of(args));
        return command;
    }
}
