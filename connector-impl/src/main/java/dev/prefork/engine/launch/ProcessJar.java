package dev.prefork.engine.launch;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The jar that holds the supervisor and worker programs. It is built into this library as a resource;
 * processes need it as a real file, so when the library itself is not on the file system (an
 * application server's virtual file system, a nested jar) it is copied into the runtime directory.
 */
public final class ProcessJar {
    public static final String RESOURCE = "/META-INF/prefork/prefork-process.jar";

    private ProcessJar() {
    }

    /** A real file holding the process programs; copied into {@code runtimeDir} when it is not one already. */
    public static Path locate(RuntimeDirectory runtimeDir) throws IOException {
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
        Path copy = runtimeDir.resolve("prefork-process.jar");
        try (InputStream in = url.openStream()) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        return copy;
    }
}
