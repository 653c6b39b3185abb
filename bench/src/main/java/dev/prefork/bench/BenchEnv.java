package dev.prefork.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where things are: the checkout, the JDK, the built jars, the scratch directory. */
public record BenchEnv(Path repo, Path javaHome, Path workDir) {

    public Path java() {
        return javaHome.resolve("bin/java");
    }

    public Path jcmd() {
        return javaHome.resolve("bin/jcmd");
    }

    public Path benchJar() {
        return repo.resolve("bench/target/bench.jar");
    }

    /**
     * The engine's classes as a directory rather than prefork.jar: the engine then runs its process jar
     * from connector-impl/target/classes/META-INF/prefork/, a path the harness knows, which the AOT-cache
     * variant needs (the cache is made for one class path).
     */
    public String engineClasspath() {
        return repo.resolve("connector-impl/target/classes") + ":" + repo.resolve("connector-api/target/classes");
    }

    public Path processJar() {
        return repo.resolve("connector-impl/target/classes/META-INF/prefork/prefork-process.jar");
    }

    /**
     * The engine's own default worker_jvm_options, read from the built classes, so that variants add to
     * exactly what the engine would use.
     */
    public String engineDefaultWorkerOptions() {
        return engineDefault("worker_jvm_options");
    }

    /**
     * The worker options the engine itself chooses for interpreted workers (worker_jvm_options unset, max_requests
     * up to {@link #engineInterpretedMaxRequests}), read from the built classes: what the engine would run, not a copy
     * derived from the defaults.
     */
    public String engineInterpretedWorkerOptions() {
        return fromBuiltEngine(loader -> (String) Class.forName("dev.prefork.engine.config.EngineConfig", true, loader)
                .getField("INTERPRETED_WORKER_JVM_OPTIONS").get(null));
    }

    /**
     * Up to which max_requests the engine runs workers interpreted when worker_jvm_options is unset, read from the
     * built classes.
     */
    public int engineInterpretedMaxRequests() {
        return Integer.parseInt(fromBuiltEngine(loader -> String.valueOf(Class.forName("dev.prefork.engine.config.EngineConfig",
                true, loader).getField("INTERPRETED_MAX_REQUESTS").get(null))));
    }

    /** An engine setting's default, from its declaration in the built classes (dev.prefork.engine.config.Settings). */
    public String engineDefault(String key) {
        return fromBuiltEngine(loader -> {
            Class<?> settings = Class.forName("dev.prefork.engine.config.Settings", true, loader);
            Object setting = settings.getMethod("byKey", String.class).invoke(null, key);
            if (setting == null) {
                throw new IllegalStateException("the engine has no setting " + key);
            }
            return (String) setting.getClass().getMethod("defaultValue").invoke(setting);
        });
    }

    /** A value read from the engine's built classes through a class loader of their own. */
    private String fromBuiltEngine(EngineRead read) {
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {
                repo.resolve("connector-impl/target/classes").toUri().toURL()}, null)) {
            return read.from(loader);
        } catch (ReflectiveOperationException | java.io.IOException e) {
            throw new IllegalStateException("cannot read the engine's declarations from its built classes", e);
        }
    }

    private interface EngineRead {
        String from(ClassLoader engineClasses) throws ReflectiveOperationException;
    }

    public Path perlEchoServer() {
        return repo.resolve("bench/perl/echo-server.pl");
    }

    public void check() {
        for (Path p : new Path[] {java(), benchJar(), processJar(), perlEchoServer()}) {
            if (!Files.exists(p)) {
                throw new IllegalStateException(p + " is missing; run bench/run, which builds everything first");
            }
        }
    }
}
