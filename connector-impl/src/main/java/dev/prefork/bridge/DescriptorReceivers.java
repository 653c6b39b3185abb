package dev.prefork.bridge;


import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.DescriptorTransfer;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;

/**
 * Starts the descriptor bridge, whose classes use the FFM API (JDK 22+) and so live in the process jar
 * rather than in this JDK 17 library: they are loaded through a class loader of their own, whose parent
 * is this library's, so both sides share the engine's types. The loader is closed with the bridge.
 */
public final class DescriptorReceivers {
    private static final String BRIDGE_CLASS = "dev.prefork.bridge.descriptor.DescriptorReceiver";

    private DescriptorReceivers() {
    }

    /** Whether this JVM can take passed descriptors: JDK 22+ on 64-bit Linux. */
    public static boolean supported() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        return Runtime.version().feature() >= 22 && os.startsWith("linux")
                && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"));
    }

    /** Why {@link #supported()} is false, for error messages. */
    public static String unsupportedReason() {
        return "needs the controlling JVM to be JDK 22 or newer on 64-bit Linux; this one is JDK "
                + Runtime.version().feature() + " on " + System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }

    /**
     * Binds {@code socketPath} and takes worker links, at most {@code maxLinks} at once (the pool's workers
     * and a margin, read again for every link as the pool is resized; more are refused); handlers run on
     * {@code executor}, or on each link's own thread when it is {@code null} (which {@code limits} that free
     * workers early do not allow). {@code transfer} is asked for (auto: pidfd where a probe says it works, else
     * message); {@code workersChangeUser} says the workers will run as another user (the {@code user} setting).
     *
     * @throws IOException     when the socket cannot be bound, or the bridge cannot be loaded or linked
     *                         (native access denied, say)
     * @throws ConfigException when {@code transfer} is pidfd and that cannot work here
     */
    public static Receiver start(Path processJar, Path socketPath, byte[] secret, ConnectionHandler handler,
                               Executor executor, String name, IntSupplier maxLinks, ClientLimits limits,
                               DescriptorTransfer transfer, boolean workersChangeUser) throws IOException {
        URLClassLoader loader = new URLClassLoader("prefork-descriptor-bridge",
                new URL[] {processJar.toUri().toURL()}, DescriptorReceivers.class.getClassLoader());
        try {
            Receiver bridge = (Receiver) Class.forName(BRIDGE_CLASS, true, loader)
                    .getMethod("start", Path.class, byte[].class, ConnectionHandler.class, Executor.class, String.class,
                            IntSupplier.class, ClientLimits.class, DescriptorTransfer.class, boolean.class)
                    .invoke(null, socketPath, secret, handler, executor, name, maxLinks, limits, transfer, workersChangeUser);
            return new ClosingLoader(bridge, loader);
        } catch (InvocationTargetException e) {
            closeQuietly(loader);
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof ConfigException unusable) {
                throw unusable; // descriptor_transfer pidfd where it cannot work: the operator's to change
            }
            throw new IOException("the descriptor bridge failed to start: " + cause, cause);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            closeQuietly(loader);
            throw new IOException("cannot load the descriptor bridge from " + processJar + ": " + e, e);
        }
    }

    private static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException ignored) {
            // it held one jar open; nothing else to release
        }
    }

    /** The bridge, and its class loader closed after it. */
    private static final class ClosingLoader implements Receiver {
        private final Receiver bridge;
        private final URLClassLoader loader;

        ClosingLoader(Receiver bridge, URLClassLoader loader) {
            this.bridge = bridge;
            this.loader = loader;
        }

        @Override
        public Path socketPath() {
            return bridge.socketPath();
        }

        @Override
        public int activeConnections() {
            return bridge.activeConnections();
        }

        @Override
        public ActiveConnections connections() {
            return bridge.connections();
        }

        @Override
        public ClientFigures clientFigures() {
            return bridge.clientFigures();
        }

        @Override
        public boolean retune(ClientLimits limits) {
            return bridge.retune(limits);
        }

        @Override
        public DescriptorTransfer descriptorTransfer() {
            return bridge.descriptorTransfer();
        }

        @Override
        public void close(long graceMillis) {
            try {
                bridge.close(graceMillis);
            } finally {
                closeQuietly(loader);
            }
        }
    }
}
