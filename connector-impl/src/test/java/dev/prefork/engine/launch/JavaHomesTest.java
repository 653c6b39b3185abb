package dev.prefork.engine.launch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The native-access option follows the JDK that runs the supervisor and workers: {@code --illegal-native-access}
 * exists from JDK 24 only, and a JDK 22 or 23 given as java_home would refuse to start with it.
 */
class JavaHomesTest {

    @Test
    void aJdk22Or23GetsTheFlagItKnowsAndAJdk24OrNewerTheOneThatKeepsTheArchivedModuleGraph(@TempDir Path dir) throws Exception {
        assertEquals("--enable-native-access=ALL-UNNAMED", JavaHomes.nativeAccessOption(featureOf(dir, "22.0.2")));
        assertEquals("--enable-native-access=ALL-UNNAMED", JavaHomes.nativeAccessOption(featureOf(dir, "23")));
        assertEquals("--illegal-native-access=allow", JavaHomes.nativeAccessOption(featureOf(dir, "24.0.1")));
        assertEquals("--illegal-native-access=allow", JavaHomes.nativeAccessOption(featureOf(dir, "25.0.3")));
    }

    @Test
    void theRunningJdkIsKnownWithoutItsReleaseFile() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        assertEquals(Runtime.version().feature(), JavaHomes.featureVersionOfLauncher(java));
    }

    /** The feature version read back from a JDK home whose release file says {@code version}. */
    private static int featureOf(Path dir, String version) throws Exception {
        Path home = Files.createDirectories(dir.resolve("jdk-" + version));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
        int feature = JavaHomes.featureVersionOfLauncher(home.resolve("bin").resolve("java"));
        assertEquals(Integer.parseInt(version.split("\\.")[0]), feature, version);
        return feature;
    }
}
