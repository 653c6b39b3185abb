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
     * The engine's classes as a directory, not prefork.jar: run this way the engine finds its process
     * jar as a plain file at a fixed path (connector-impl/target/classes/META-INF/prefork/), so class-data
     * archives made for the workers stay valid from one start to the next. {@code java -jar prefork.jar}
     * copies that jar into a fresh private directory on every start instead.
     */
    public String engineClasspath() {
        return repo.resolve("connector-impl/target/classes") + ":" + repo.resolve("connector-api/target/classes");
    }

    public Path processJar() {
        return repo.resolve("connector-impl/target/classes/META-INF/prefork/prefork-process.jar");
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
