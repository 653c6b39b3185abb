package dev.prefork.engine.protocol;

/**
 * The line protocol between the controlling JVM and its supervisor process, over the supervisor's
 * standard input (commands) and standard output (reports). Standard error carries log lines.
 *
 * <pre>
 * controlling JVM → supervisor          supervisor → controlling JVM
 *   set KEY VALUE   (config, repeated)    bound INDEX ADDRESS        (one per port, the address really bound)
 *   secret HEX                           ready                       (every port bound, workers spawning)
 *   bridge PATH                          fatal MESSAGE               (start failed; the supervisor exits)
 *   runtime DIR                          pool ACCEPTING TARGET       (workers that reached their accept loop)
 *   cache DIR                            resource KIND ID            (to release should the supervisor die)
 *   start                                status-bound ADDRESS        (status_port, when set)
 *                                        agent-bound ADDRESS         (agent_port, when set)
 *                                        snapshot-begin ID
 *   snapshot ID                          worker slot=.. pid=.. ...   (one per live worker)
 *   ttin | ttou                          snapshot-end ID spawned=N exited=N
 *   status ID                            status ID KEY=VALUE...      (the status port's figures, one line)
 *   restart | resume
 *   drain [SECONDS]                      (stop accepting; with SECONDS, report drain and keep serving that long first)
 *   stop-soon                            (drain_timeout: report drain, keep serving; stop follows)
 *   workers N | add-workers N | remove-workers N
 *   limits MAX_REQUESTS JITTER GRACE     (for workers spawned from now on)
 *   stop                                 stopped
 * </pre>
 *
 * End of file on the supervisor's standard input means the controlling JVM is gone: the supervisor
 * stops its workers and exits.
 */
public final class SupervisorProtocol {
    public static final String SET = "set";
    public static final String SECRET = "secret";
    public static final String BRIDGE = "bridge";
    public static final String RUNTIME = "runtime";
    public static final String CACHE = "cache";
    public static final String START = "start";
    public static final String SNAPSHOT = "snapshot";
    public static final String TTIN = "ttin";
    public static final String TTOU = "ttou";
    public static final String STOP = "stop";
    public static final String STATUS = "status";
    public static final String RESTART = "restart";
    public static final String DRAIN = "drain";
    public static final String RESUME = "resume";
    public static final String STOP_SOON = "stop-soon";
    public static final String WORKERS = "workers";
    public static final String ADD_WORKERS = "add-workers";
    public static final String REMOVE_WORKERS = "remove-workers";
    public static final String LIMITS = "limits";

    public static final String BOUND = "bound";
    public static final String READY = "ready";
    public static final String STATUS_BOUND = "status-bound";
    public static final String AGENT_BOUND = "agent-bound";
    public static final String FATAL = "fatal";
    public static final String POOL = "pool";
    public static final String RESOURCE = "resource";
    public static final String SNAPSHOT_BEGIN = "snapshot-begin";
    public static final String WORKER = "worker";
    public static final String SNAPSHOT_END = "snapshot-end";
    public static final String STOPPED = "stopped";

    /** The supervisor's main class, started by the controlling JVM. */
    public static final String SUPERVISOR_MAIN = "dev.prefork.supervisor.SupervisorMain";
    /** The worker's main class, spawned by the supervisor. */
    public static final String WORKER_MAIN = "dev.prefork.worker.WorkerMain";

    private SupervisorProtocol() {
    }
}
