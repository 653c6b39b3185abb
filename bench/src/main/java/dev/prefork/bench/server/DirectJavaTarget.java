package dev.prefork.bench.server;

import dev.prefork.bench.BenchEnv;
import dev.prefork.bench.proc.ProcInfo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The reference: one JVM, a virtual thread per connection, default JVM flags. */
public final class DirectJavaTarget implements Target {
    private final BenchEnv env;

    public DirectJavaTarget(BenchEnv env) {
        this.env = env;
    }

    @Override
    public String name() {
        return "direct-jvm";
    }

    @Override
    public RunningServer start(ServerSpec spec, Path logDir) throws Exception {
        Ports.requireFree(spec.port());
        List<String> command = List.of(env.java().toString(), "-cp", env.benchJar().toString(),
                "dev.prefork.bench.echo.DirectEchoServer", Integer.toString(spec.port()));
        Path log = logDir.resolve(name() + "-" + spec.port() + "-" + System.currentTimeMillis() + ".log");
        Launcher.Started started = Launcher.launch(command, env.repo(), Map.of(), log,
                (process, output) -> output.contains("listening"), Duration.ofSeconds(30));
        return new RunningServer(this, started.process(), spec.port(), started.startupNanos());
    }

    @Override
    public String role(ProcInfo process, long rootPid) {
        return "server";
    }
}
