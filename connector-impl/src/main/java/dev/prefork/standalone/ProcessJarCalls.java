package dev.prefork.standalone;

import dev.prefork.engine.launch.CacheDirectory;
import dev.prefork.engine.launch.ProcessJar;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * The launcher's way to the native calls of {@code dev.prefork.posix.LauncherCalls} (setsid, standard
 * streams onto /dev/null, datagrams to /dev/log): that class uses the FFM API, so it lives in the process
 * jar (JDK 22+) and is loaded from there, as the descriptor bridge is, when the launcher's own JVM is
 * JDK 22 or newer; the program keeper ({@code dev.prefork.keeper}) is loaded the same way. The loader
 * stays open for the launcher's life.
 */
final class ProcessJarCalls {
    private static final String CALLS_CLASS = "dev.prefork.posix.LauncherCalls";
    /** Open for the launcher's life: the classes it loads load theirs lazily. */
    private static URLClassLoader loader;

    private ProcessJarCalls() {
    }

    /** Why these calls cannot be made in this JVM, or null when they can. */
    static String unavailableReason() {
        int feature = Runtime.version().feature();
        return feature >= 22 ? null : "needs the launcher to run on JDK 22 or newer (it runs on JDK " + feature
                + ", which cannot make the native call); run java -jar prefork.jar with a JDK 22+";
    }

    /** Calls {@code LauncherCalls.method(args)}; failures of the call itself come back as IOException. */
    static Object call(String method, Class<?>[] types, Object... args) throws IOException {
        return invoke(CALLS_CLASS, method, method + ": ", types, args);
    }

    /** Calls the static {@code className.method(args)} of the process jar; its failures come back as IOException. */
    static Object callStatic(String className, String method, Class<?>[] types, Object... args) throws IOException {
        return invoke(className, method, "", types, args);
    }

    private static Object invoke(String className, String method, String failurePrefix, Class<?>[] types, Object... args)
            throws IOException {
        Method target = method(className, method, types);
        try {
            return target.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw new IOException(failurePrefix + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IOException("cannot call " + className + "." + method + ": " + e, e);
        }
    }

    /** {@code LauncherCalls.method}, for a caller that calls it often (loading the class on first use). */
    static Method method(String method, Class<?>... types) throws IOException {
        return method(CALLS_CLASS, method, types);
    }

    private static synchronized Method method(String className, String method, Class<?>... types) throws IOException {
        String unavailable = unavailableReason();
        if (unavailable != null) {
            throw new IOException(unavailable);
        }
        try {
            if (loader == null) {
                Path jar = ProcessJar.locate(CacheDirectory.under(Path.of(System.getProperty("java.io.tmpdir"))));
                loader = new URLClassLoader("prefork-launcher-calls", new URL[] {jar.toUri().toURL()},
                        ProcessJarCalls.class.getClassLoader());
            }
            return Class.forName(className, true, loader).getMethod(method, types);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IOException("cannot load " + className + " from the process jar: " + e, e);
        }
    }
}
