package dev.prefork.engine.launch;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The jar that holds the supervisor and worker programs. It is built into this library as a resource;
 * processes need it as a real file, so when the library itself is not on the file system (an
 * application server's virtual file system, a nested jar) it is copied into the engine's cache
 * directory under a name derived from its content. The path then stays the same from one start to the
 * next, which is what lets the workers' class-data-sharing archive stay valid.
 */
public final class ProcessJar {
    public static final String RESOURCE = "/META-INF/prefork/prefork-process.jar";
    /** Jars of other library versions kept in the cache (another deployment may still run one). */
    private static final int KEPT_JARS = 8;

    private ProcessJar() {
    }

    /** A real file holding the process programs. */
    public static Path locate(CacheDirectory cache) throws IOException {
        URL url = ProcessJar.class.getResource(RESOURCE);
        if (url == null) {
            throw new IOException(RESOURCE + " is missing from the Prefork Connector library; the build did not package it");
        }
        if ("file".equals(url.getProtocol())) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException | IllegalArgumentException e) {
                // fall through and copy it
            }
        }
        byte[] content;
        try (InputStream in = url.openStream()) {
            content = in.readAllBytes();
        }
        Path target = cache.resolve("prefork-process-" + sha256(content).substring(0, 16) + ".jar");
        if (Files.exists(target) && Files.size(target) == content.length) {
            // In use: keep it. Its access time says so, never its modification time: the JVM rejects a
            // class-data-sharing archive whose class path jar has another mtime than at the dump, and the
            // archives' names derive from it, so touching the mtime made every start retrain both archives
            // and start all but one worker without any (measured: bin/sample embedded, issue 13).
            CacheDirectory.markUsed(target);
            return target;
        }
        // Write aside and move into place, so that a concurrent engine never sees half a jar.
        Path partial = Files.createTempFile(cache.path(), "prefork-process-", ".partial");
        try {
            Files.write(partial, content);
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(partial);
        }
        CacheDirectory.keepNewest(cache.path(), "prefork-process-[0-9a-f]+\\.jar", KEPT_JARS);
        return target;
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
