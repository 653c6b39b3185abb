package dev.prefork.supervisor;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.protocol.ProcessLog;
import dev.prefork.engine.protocol.Scoreboard;
import dev.prefork.engine.protocol.SupervisorProtocol;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * Everything that lets others watch the pool from outside the arbiter's thread: the figures the arbiter
 * publishes, the sampler of saturation peaks, and the optional status and agent-check ports. Opened
 * before the workers start (a port that cannot be bound fails the start, as {@code port} does) and
 * closed after they are gone.
 */
final class StatusPorts implements AutoCloseable {
    private final EngineConfig config;
    private final LiveLimits limits;
    private final PoolFigures figures = new PoolFigures();
    private final Scoreboard scoreboard;
    private final List<Pool> pools;
    private final ListenQueueGauge queues;
    private final SaturationSampler sampler;
    private StatusServer status;
    private AgentCheckServer agent;

    private StatusPorts(EngineConfig config, LiveLimits limits, Scoreboard scoreboard, List<Pool> pools, ProcessLog log) {
        this.config = config;
        this.limits = limits;
        this.scoreboard = scoreboard;
        this.pools = pools;
        this.queues = new ListenQueueGauge(pools, log);
        this.sampler = new SaturationSampler(figures, scoreboard, queues);
    }

    /** Binds status_port and agent_port when they are set, and starts sampling. */
    static StatusPorts open(EngineConfig config, LiveLimits limits, Scoreboard scoreboard, List<Pool> pools, ProcessLog log)
            throws IOException {
        StatusPorts ports = new StatusPorts(config, limits, scoreboard, pools, log);
        try {
            if (config.statusPort().isPresent()) {
                ports.status = StatusServer.start(config.statusPort().get(), ports::report, log);
            }
            if (config.agentPort().isPresent()) {
                ports.agent = AgentCheckServer.bind(config.agentPort().get(),
                        () -> PoolHealth.agentLine(ports.report(false)), log);
                daemon("prefork-agent-check", ports.agent).start();
            }
        } catch (IOException | RuntimeException e) {
            ports.close();
            throw e;
        }
        daemon("prefork-saturation", ports.sampler).start();
        return ports;
    }

    PoolFigures figures() {
        return figures;
    }

    /** The listen queues' gauge, which the arbiter reads too (to notice a stuck accept turn). */
    ListenQueueGauge queues() {
        return queues;
    }

    /** Tells the controlling JVM where the status and agent ports are (port 0 becomes the kernel's choice). */
    void reportBound(PrintStream reports) {
        if (status != null) {
            reports.println(SupervisorProtocol.STATUS_BOUND + " " + status.boundAddress());
        }
        if (agent != null) {
            reports.println(SupervisorProtocol.AGENT_BOUND + " " + agent.boundAddress());
        }
    }

    /** The pool now; {@code withMemory} adds every worker's RSS. */
    StatusReport report(boolean withMemory) {
        int perPort = pools.isEmpty() ? config.maxServers() : Math.max(1, figures.target() / pools.size());
        StatusReport.Settings settings = new StatusReport.Settings(figures.target() == 0 ? config.maxServers() : perPort,
                limits.maxRequests(), limits.maxRequestsJitter(), limits.gracefulShutdownTimeout(), config.serialize().key(),
                config.handoff().key());
        return StatusReport.take(config.name(), settings, figures, scoreboard, pools, queues, withMemory);
    }

    /** The figures as one line for the controlling JVM's status request. */
    String fieldsLine() {
        return StatusFormats.fields(report(false));
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() {
        sampler.stop();
        if (status != null) {
            status.close();
        }
        if (agent != null) {
            try {
                agent.close();
            } catch (IOException ignored) {
                // closing a listening socket does not fail in a way we could act on
            }
        }
    }
}
