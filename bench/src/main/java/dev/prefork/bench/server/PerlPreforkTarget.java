package dev.prefork.bench.server;

import dev.prefork.bench.BenchEnv;
import dev.prefork.bench.proc.Proc;
import dev.prefork.bench.proc.ProcInfo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Net::Server::PreForkSimple (Debian's libnet-server-perl), serialize flock: a parent and max_servers
 * forked children. Ready when all children exist and a line comes back.
 */
public final class PerlPreforkTarget implements Target {
    private final BenchEnv env;

    public PerlPreforkTarget(BenchEnv env) {
        this.env = env;
    }

    @Override
    public String name() {
        return "net-server";
    }

    @Override
    public RunningServer start(ServerSpec spec, Path logDir) throws Exception {
        Ports.requireFree(spec.port());
        List<String> command = List.of("perl", env.perlEchoServer().toString(), Integer.toString(spec.port()),
                Integer.toString(spec.maxServers()), Integer.toString(spec.maxRequests()));
        Path log = logDir.resolve(name() + "-" + spec.port() + "-" + System.currentTimeMillis() + ".log");
        Launcher.Started started = Launcher.launch(command, env.repo(), Map.of(), log, (process, output) -> {
            long children = Proc.tree(process.pid()).size() - 1;
            return children >= spec.maxServers() && Ports.echoes(spec.port());
        }, Duration.ofSeconds(60));
        return new RunningServer(this, started.process(), spec.port(), started.startupNanos());
    }

    @Override
    public String role(ProcInfo process, long rootPid) {
        return process.pid() == rootPid ? "parent" : "worker";
    }
}
