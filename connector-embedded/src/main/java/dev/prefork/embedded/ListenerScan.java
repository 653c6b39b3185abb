package dev.prefork.embedded;

import dev.prefork.api.PreforkListener;
import jakarta.ejb.MessageDriven;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Finds the listener MDB classes on the class path for {@link Main}: classes annotated
 * {@code @MessageDriven} that implement {@link PreforkListener}. It reads class files as bytes and loads
 * only those whose constant pool names the annotation, so scanning the host's own libraries (Weld alone
 * has thousands of classes) costs a read, not a class load each; Weld's own scan of implicit archives
 * loads every class by reflection and took seconds here.
 */
final class ListenerScan {
    private static final byte[] ANNOTATION = ("L" + MessageDriven.class.getName().replace('.', '/') + ";")
            .getBytes(StandardCharsets.UTF_8);
    /** A class file larger than this is no listener worth scanning (and would be read in full otherwise). */
    private static final long MAX_CLASS_FILE = 1 << 20;

    private ListenerScan() {
    }

    /** Every listener class on {@code classPath} (entries separated as in {@code java.class.path}), in class path order. */
    static List<Class<?>> find(String classPath, ClassLoader loader) throws IOException {
        Set<String> candidates = new LinkedHashSet<>();
        Set<Path> seen = new LinkedHashSet<>();
        List<Path> entries = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(Path.of(entry).toAbsolutePath().normalize());
            }
        }
        while (!entries.isEmpty()) {
            Path entry = entries.remove(0);
            if (!seen.add(entry) || !Files.exists(entry)) {
                continue;
            }
            if (Files.isDirectory(entry)) {
                scanDirectory(entry, candidates);
            } else {
                entries.addAll(scanJar(entry, candidates));
            }
        }
        List<Class<?>> listeners = new ArrayList<>();
        for (String name : candidates) {
            Class<?> candidate;
            try {
                candidate = Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                continue;   // names the annotation, but cannot load here: not ours to run
            }
            if (candidate.isAnnotationPresent(MessageDriven.class) && PreforkListener.class.isAssignableFrom(candidate)) {
                listeners.add(candidate);
            }
        }
        return listeners;
    }

    private static void scanDirectory(Path root, Set<String> candidates) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                if (Files.size(file) <= MAX_CLASS_FILE && contains(Files.readAllBytes(file))) {
                    candidates.add(className(root.relativize(file).toString().replace(File.separatorChar, '/')));
                }
            }
        }
    }

    /** Scans a jar; returns the entries its manifest's {@code Class-Path} adds (how {@code java -jar app.jar} names its libraries). */
    private static List<Path> scanJar(Path jar, Set<String> candidates) throws IOException {
        List<Path> more = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (name.endsWith(".class") && !name.startsWith("META-INF/") && entry.getSize() <= MAX_CLASS_FILE) {
                    try (InputStream in = file.getInputStream(entry)) {
                        if (contains(in.readAllBytes())) {
                            candidates.add(className(name));
                        }
                    }
                }
            }
            Manifest manifest = file.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath != null) {
                for (String relative : classPath.trim().split("\\s+")) {
                    if (!relative.isEmpty() && !relative.contains(":")) {
                        more.add(jar.resolveSibling(relative).normalize());
                    }
                }
            }
        }
        return more;
    }

    private static String className(String path) {
        return path.substring(0, path.length() - ".class".length()).replace('/', '.');
    }

    /** True when the class file's bytes hold the annotation's descriptor. */
    private static boolean contains(byte[] bytes) {
        outer:
        for (int i = 0; i <= bytes.length - ANNOTATION.length; i++) {
            for (int j = 0; j < ANNOTATION.length; j++) {
                if (bytes[i + j] != ANNOTATION[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
