package dev.prefork.standalone;

import dev.prefork.engine.config.Settings;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sizes the launcher's own JVM (issue 13). Started without a maximum heap, a JVM takes G1 and a quarter
 * of the machine's memory, and its resident memory creeps up towards its initial heap (1/64 of the
 * machine: 380 MB on 24 GiB) as the young generation cycles through pages it has not touched before,
 * while the launcher keeps about 4 MB live (measured: RSS 88 → 317 MB over a 10-minute soak). The JVM's
 * collector and heap cannot change once it runs, and a jar cannot carry JVM options; so first thing, a
 * launcher whose JVM was given no heap limit or collector of the user's choosing replaces itself (exec,
 * the same process id, parent and streams) with its own command plus {@code launcher_jvm_options}.
 */
final class LauncherJvm {
    /** Set on the restarted JVM's command line: it is already sized, and says so in ps. */
    static final String RESTARTED_PROPERTY = "prefork.launcher.restarted";

    private LauncherJvm() {
    }

    /**
     * Restarts this launcher with {@code launcher_jvm_options} when that applies; returns (and the launcher
     * goes on as it is) when it does not, or when the restart failed, which {@code err} is told.
     */
    static void restartSizedIfDefault(Map<String, String> settings, Map<String, String> origins, String[] args, PrintStream err) {
        String key = Settings.LAUNCHER_JVM_OPTIONS.key();
        List<String> options = Settings.LAUNCHER_JVM_OPTIONS.parse(
                settings.getOrDefault(key, Settings.LAUNCHER_JVM_OPTIONS.defaultValue()));
        if (options.isEmpty() || System.getProperty(RESTARTED_PROPERTY) != null) {
            return;
        }
        boolean asked = origins.containsKey(key);
        Optional<String> own = sizedByUser(OwnCommand.jvmOptions());
        if (own.isPresent()) {
            if (asked) {
                err.println("prefork: " + key + " (from " + origins.get(key) + ") is not applied: the launcher's JVM was started with "
                        + own.get() + ", which stays");
            }
            return;
        }
        String unavailable = ProcessJarCalls.unavailableReason();
        if (unavailable != null) {
            if (asked) {
                err.println("prefork: " + key + " (from " + origins.get(key) + ") is not applied: it " + unavailable);
            }
            return;
        }
        List<String> added = new ArrayList<>(options);
        added.add("-D" + RESTARTED_PROPERTY + "=true");
        List<String> command = OwnCommand.with(added, args);
        System.out.flush();
        System.err.flush();
        String failure;
        try {
            failure = (String) ProcessJarCalls.call("replaceProcess", new Class<?>[] {String.class, String[].class},
                    command.get(0), command.toArray(new String[0]));
        } catch (IOException e) {
            failure = e.getMessage();
        }
        err.println("prefork: " + key + "='" + String.join(" ", options) + "' not applied (" + failure
                + "); the launcher goes on with its JVM's default heap");
    }

    /** The first JVM option that sizes the heap or picks the collector, which the user meant to keep. */
    static Optional<String> sizedByUser(List<String> jvmOptions) {
        return jvmOptions.stream().filter(option -> option.startsWith("-Xmx") || option.startsWith("-XX:MaxHeapSize=")
                || option.startsWith("-XX:MaxRAM") || option.startsWith("-XX:+Use") && option.endsWith("GC")).findFirst();
    }
}
