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

    /** An engine setting's default, from EngineConfig.DESCRIPTIONS in the built classes. */
    public String engineDefault(String key) {
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {
                repo.resolve("connector-impl/target/classes").toUri().toURL()}, null)) {
            Class<?> config = Class.forName("dev.prefork.engine.config.EngineConfig", true, loader);
            java.util.Map<?, ?> descriptions = (java.util.Map<?, ?>) config.getField("DESCRIPTIONS").get(null);
            String[] entry = (String[]) descriptions.get(key);
            if (entry == null) {
                throw new IllegalStateException("the engine has no setting " + key);
            }
            return entry[0];
        } catch (ReflectiveOperationException | java.io.IOException e) {
            throw new IllegalStateException("cannot read EngineConfig.DESCRIPTIONS from the built engine", e);
        }
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
