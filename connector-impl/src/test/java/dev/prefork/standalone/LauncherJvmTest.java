package dev.prefork.standalone;

import dev.prefork.engine.LineClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * launcher_jvm_options (issue 13): a launcher started with the JVM's defaults replaces itself in place
 * with a sized heap and serves as before; one whose JVM the user sized, or with the setting empty, keeps
 * its JVM. Real launcher processes, read through /proc.
 */
class LauncherJvmTest {
    private static final Pattern BOUND = Pattern.compile("on \\[127\\.0\\.0\\.1:(\\d+)]");

    private final List<Process> launchers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        LauncherCommand.stopAll(launchers.stream().map(Process::toHandle).toList());
    }

    @Test
    void byDefaultTheLauncherRestartsInPlaceWithItsOptionsAndServes() throws Exception {
        Process launcher = LauncherCommand.start(LauncherCommand.unsized("--handler", "echo", "--port", "127.0.0.1:0",
                "--max_servers", "1"), launchers);
        int port = servingPort(launcher);
        List<String> command = commandLine(launcher.pid());
        assertTrue(command.contains("-Dprefork.launcher.restarted=true"), "restarted, same pid: " + command);
        assertTrue(command.containsAll(List.of("-XX:+UseSerialGC", "-Xmx64m", "-Xmn8m")), "with the default options: " + command);
        assertTrue(command.contains("dev.prefork.standalone.StandaloneMain") && command.contains("--max_servers"),
                "the same main class and arguments: " + command);
        assertEquals("sized", LineClient.echoOnce(port, "sized"));
        assertTrue(launcher.isAlive());
    }

    @Test
    void aJvmTheUserSizedIsKept() throws Exception {
        List<String> command = LauncherCommand.unsized("--handler", "echo", "--port", "127.0.0.1:0", "--max_servers", "1");
        command.add(1, "-Xmx100m");
        Process launcher = LauncherCommand.start(command, launchers);
        int port = servingPort(launcher);
        List<String> running = commandLine(launcher.pid());
        assertFalse(running.contains("-Dprefork.launcher.restarted=true"), "not restarted: " + running);
        assertEquals(command, running);
        assertEquals("kept", LineClient.echoOnce(port, "kept"));
    }

    @Test
    void emptyOptionsKeepTheJvmAsStarted() throws Exception {
        List<String> command = LauncherCommand.unsized("--handler", "echo", "--port", "127.0.0.1:0", "--max_servers", "1",
                "--launcher_jvm_options", "");
        Process launcher = LauncherCommand.start(command, launchers);
        servingPort(launcher);
        assertEquals(command, commandLine(launcher.pid()));
    }

    @Test
    void optionsThatSizeTheHeapOrPickTheCollectorAreTheUsers() {
        for (String option : List.of("-Xmx1g", "-XX:MaxHeapSize=1g", "-XX:MaxRAMPercentage=10", "-XX:MaxRAM=2g", "-XX:+UseZGC",
                "-XX:+UseParallelGC")) {
            assertEquals(option, LauncherJvm.sizedByUser(List.of("-Dx=y", option)).orElse(null));
        }
        assertTrue(LauncherJvm.sizedByUser(List.of("-Xms8m", "-Xss1m", "-XX:+UseCompressedOops", "--enable-native-access=ALL-UNNAMED"))
                .isEmpty(), "an initial heap or stack size alone leaves the maximum and the collector to the defaults");
    }

    private int servingPort(Process launcher) throws InterruptedException {
        BlockingQueue<String> lines = LauncherOutput.follow(launcher.getInputStream());
        Matcher port = BOUND.matcher(LauncherOutput.awaitLine(lines, "workers accepting"));
        assertTrue(port.find());
        return Integer.parseInt(port.group(1));
    }

    private static List<String> commandLine(long pid) throws Exception {
        String raw = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"));
        return List.of(raw.substring(0, raw.length() - 1).split("\0", -1));
    }
}
