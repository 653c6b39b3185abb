package dev.prefork.bench.server;

import dev.prefork.bench.proc.ProcInfo;

import java.nio.file.Path;

/** A line-echo server the harness can start, measure and stop. */
public interface Target {

    /** Short name for tables and plots. */
    String name();

    /** Starts it and returns once every worker accepts (or throws, having cleaned up). */
    RunningServer start(ServerSpec spec, Path logDir) throws Exception;

    /** Which part of the server a process is: "launcher", "supervisor", "worker", "appserver", ... */
    String role(ProcInfo process, long rootPid);
}
