package dev.prefork.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A one-line description of the machine and runtimes, for the report. */
final class Machine {
    private Machine() {
    }

    static String describe() {
        String cpu = firstMatch("/proc/cpuinfo", "model name").replaceFirst(".*:\\s*", "");
        String mem = firstMatch("/proc/meminfo", "MemTotal").replaceAll("[^0-9]", "");
        String memory = mem.isEmpty() ? "?" : String.format(java.util.Locale.ROOT, "%.0f GiB", Long.parseLong(mem) / 1024.0 / 1024.0);
        return Runtime.getRuntime().availableProcessors() + " CPUs (" + cpu + "), " + memory + ", Linux "
                + System.getProperty("os.version") + ", JDK " + System.getProperty("java.runtime.version")
                + ", load average at start " + firstLine("/proc/loadavg");
    }

    private static String firstMatch(String file, String prefix) {
        try {
            return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(prefix)).findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    private static String firstLine(String file) {
        try {
            return Files.readAllLines(Path.of(file)).get(0);
        } catch (IOException | IndexOutOfBoundsException e) {
            return "?";
        }
    }
}
