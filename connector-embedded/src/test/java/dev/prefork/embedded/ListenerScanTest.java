package dev.prefork.embedded;

import dev.prefork.embedded.beans.EchoListener;
import dev.prefork.embedded.beans.PoolEvents;
import dev.prefork.embedded.beans.UpperListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What Main finds on a class path with no arguments: @MessageDriven PreforkListener classes, nothing else. */
class ListenerScanTest {
    private static final Path TEST_CLASSES = Path.of(EchoListener.class.getProtectionDomain().getCodeSource().getLocation().getPath());

    @Test
    void findsTheListenerClassesOfADirectory() throws Exception {
        List<Class<?>> found = ListenerScan.find(TEST_CLASSES.toString(), getClass().getClassLoader());
        assertTrue(found.containsAll(List.of(EchoListener.class, UpperListener.class, FailingListener.class,
                CountedListener.class, EnvOverrideListener.class, BadSettingListener.class,
                DequeueingListener.class)), found.toString());
        assertFalse(found.contains(PoolEvents.class), "a bean that is no listener");
        assertEquals(7, found.size(), found.toString());
    }

    @Test
    void followsTheClassPathOfAJarManifestAsJavaDashJarDoes(@TempDir Path dir) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, dir.relativize(TEST_CLASSES) + "/");
        Path jar = dir.resolve("app.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            // a jar with nothing but its manifest
        }
        List<Class<?>> found = ListenerScan.find(jar.toString(), getClass().getClassLoader());
        assertTrue(found.contains(EchoListener.class), found.toString());
    }
}
