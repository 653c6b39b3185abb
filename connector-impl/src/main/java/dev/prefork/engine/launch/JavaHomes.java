package dev.prefork.engine.launch;

import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.EngineConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Finds the {@code java} that runs the supervisor and the workers. They use the Foreign Function &amp;
 * Memory API, so it must be a JDK 22 or newer, while the controlling JVM (an application server) may
 * run on 17: {@code java_home} names such a JDK, and by default the controlling JVM's own is used when
 * it qualifies.
 */
public final class JavaHomes {
    public static final int MIN_FEATURE = 22;

    private JavaHomes() {
    }

    /** The {@code java} launcher to use, or a {@link ConfigException} on {@code java_home} saying what to set. */
    public static Path javaLauncher(EngineConfig config) {
        boolean configured = config.javaHome().isPresent();
        Path home = config.javaHome().orElse(Path.of(System.getProperty("java.home")));
        String value = home.toString();
        Path java = home.resolve("bin/java");
        if (!Files.isExecutable(java)) {
            throw new ConfigException(EngineConfig.JAVA_HOME, value, "has no executable bin/java; "
                    + "set java_home to the installation directory of a JDK " + MIN_FEATURE + " or newer");
        }
        int feature = featureVersion(home);
        if (feature < MIN_FEATURE) {
            String which = configured ? "java_home" : "the application server's own JDK (java_home is unset)";
            throw new ConfigException(EngineConfig.JAVA_HOME, value, which + " is JDK " + (feature < 0 ? "of unknown version" : feature)
                    + ", but the supervisor and worker processes need JDK " + MIN_FEATURE + " or newer; set java_home "
                    + "(prefork.java_home in MicroProfile Config, PREFORK_JAVA_HOME in the environment) to such a JDK");
        }
        return java;
    }

    /**
     * The option that lets class-path code make the FFM calls of a supervisor (and of a worker before JDK 25: from
     * there on workers start from an AOT cache, and the supervisor chooses for them) without a warning, on a
     * JDK of {@code feature}. From JDK 24, {@code --illegal-native-access=allow}, chosen over
     * {@code --enable-native-access=ALL-UNNAMED}, which made the JVM log errors with a dynamic archive on top. Note
     * that on JDK 25.0.3 both make the JVM give up the archived module graph of the JDK's own CDS archive
     * ({@code -Xlog:cds}: "full module graph: disabled"), a few milliseconds of CPU per start. JDK 22 and 23 do not
     * know that flag (the JVM would refuse to start), so there the named form is the one way to allow native
     * access without a warning per process.
     */
    public static String nativeAccessOption(int feature) {
        return feature >= 24 ? "--illegal-native-access=allow" : "--enable-native-access=ALL-UNNAMED";
    }

    /** The feature version of the JDK whose {@code bin/java} is {@code java}, or -1. */
    public static int featureVersionOfLauncher(Path java) {
        Path home = java.toAbsolutePath().getParent().getParent();
        return home == null ? -1 : featureVersion(home);
    }

    /** The feature version in {@code home/release} ({@code JAVA_VERSION="25.0.3"} gives 25), or -1. */
    static int featureVersion(Path home) {
        if (home.equals(Path.of(System.getProperty("java.home")))) {
            return Runtime.version().feature();
        }
        Properties release = new Properties();
        try (var in = Files.newInputStream(home.resolve("release"))) {
            release.load(in);
        } catch (IOException e) {
            return -1;
        }
        String version = release.getProperty("JAVA_VERSION", "").replace("\"", "");
        try {
            String first = version.split("[.+-]")[0];
            int feature = Integer.parseInt(first);
            return feature == 1 ? Integer.parseInt(version.split("\\.")[1]) : feature;
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
