package dev.prefork.engine.config;

import dev.prefork.engine.access.AccessRules;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting of a pool, declared once, in documentation order: {@link EngineConfig} parses them,
 * the standalone launcher's {@code --help}, the adapter's activation spec, config properties and
 * resolution, and the README's settings table are derived from them (see the package comment for how
 * to add one). Keys and defaults are Net::Server's PreForkSimple's where it has the setting.
 */
public final class Settings {
    /** Filled by {@link #declare} as the declarations below initialise, in their order. */
    private static final List<Setting<?>> DECLARED = new ArrayList<>();

    public static final Setting<String> PORT = declare(Setting.of(EngineConfig.PORT, SettingType.of("", Settings::checkPorts))
            .byDefault("20203")
            .means("where to listen, Net::Server syntax: 20204, localhost:20204, [::1]:20204, /path/to.sock; several separated by commas, each with a pool of its own"));

    public static final Setting<String> HOST = declare(Setting.text(EngineConfig.HOST)
            .byDefault(PortSpec.ANY_HOST)
            .means("the address a bare port number binds; * is every IPv4 and IPv6 address"));

    public static final Setting<Integer> MAX_SERVERS = declare(Setting.integer(EngineConfig.MAX_SERVERS, 1, EngineConfig.MAX_SERVERS_LIMIT)
            .byDefault("50").changeableWhileRunning()
            .means("worker processes kept running (per port)"));

    public static final Setting<Integer> MAX_REQUESTS = declare(Setting.integer(EngineConfig.MAX_REQUESTS, 0, Integer.MAX_VALUE)
            .byDefault("100000").changeableWhileRunning()
            .means("connections a worker serves before it exits and is replaced; 0 is unlimited. Net::Server's default is 1000,"
                    + " but replacing a JVM worker costs ~0.3 s of CPU under load against ~0.1 ms per connection: 1000 cost the pool"
                    + " 75% of its throughput, 10000 about 20%, 100000 about 2% (docs/benchmarks). A worker runs only the engine's"
                    + " code (the handlers run in the controlling JVM), so there is little for recycling to cure"));

    public static final Setting<Integer> MAX_REQUESTS_JITTER = declare(Setting.of(EngineConfig.MAX_REQUESTS_JITTER,
                    SettingType.optional(SettingType.integer(0, Integer.MAX_VALUE))).changeableWhileRunning()
            .means("each worker serves max_requests plus a random 0 to this many connections, so that workers started together"
                    + " do not all leave together (as gunicorn's setting); by default half of max_requests"));

    public static final Setting<Serialize> SERIALIZE = declare(Setting.choice(EngineConfig.SERIALIZE, Serialize.class)
            .byDefault("flock")
            .means("how workers take turns in accept()"));

    public static final Setting<Handoff> HANDOFF = declare(Setting.choice(EngineConfig.HANDOFF, Handoff.class)
            .byDefault("auto")
            .means("how a worker hands an accepted connection to this JVM: descriptor (the socket itself, passed over a Unix"
                    + " socket; needs JDK 22+ here), relay (the worker copies bytes both ways), or auto (descriptor where this"
                    + " JVM can, else relay)"));

    public static final Setting<DescriptorTransfer> DESCRIPTOR_TRANSFER = declare(Setting.choice(EngineConfig.DESCRIPTOR_TRANSFER,
                    DescriptorTransfer.class)
            .byDefault("auto")
            .means("with handoff descriptor, how the socket gets into this JVM: pidfd (this JVM takes it from the worker with"
                    + " pidfd_getfd; the worker makes no native calls), message (the worker sends it, SCM_RIGHTS), or auto (pidfd"
                    + " where a probe at pool start says it works, else message; the log says which and why)"));

    public static final Setting<Path> LOCK_FILE = declare(Setting.absolutePath(EngineConfig.LOCK_FILE)
            .means("the lock file for serialize flock; by default a generated file, removed at stop. Give each pool its own:"
                    + " pools that share one take turns with each other"));

    public static final Setting<Integer> CHECK_FOR_DEAD = declare(Setting.integer(EngineConfig.CHECK_FOR_DEAD, 1, 86_400)
            .byDefault("30")
            .means("seconds between checks for workers that died without being noticed"));

    public static final Setting<Integer> LISTEN = declare(Setting.integer(EngineConfig.LISTEN, 1, 65_535)
            .byDefault("1024")
            .means("the listen backlog of each port"));

    public static final Setting<Integer> GRACEFUL_SHUTDOWN_TIMEOUT = declare(Setting.integer(EngineConfig.GRACEFUL_SHUTDOWN_TIMEOUT, 0, 3_600)
            .byDefault("10").changeableWhileRunning()
            .means("seconds a stopping worker may finish its current connection before it is killed"));

    public static final Setting<Integer> MAX_STARTING = declare(Setting.of(EngineConfig.MAX_STARTING,
                    SettingType.optional(SettingType.integer(1, EngineConfig.MAX_SERVERS_LIMIT)))
            .means("worker JVMs that may be starting at once (spawned, not yet accepting); the others are spawned as these"
                    + " become ready, so that a large pool serves with its first workers within a second or two instead of"
                    + " starting them all at once and none for a long time; by default twice the supervisor's CPU count, after a"
                    + " pool's first worker, which starts alone"));

    public static final Setting<Integer> WORKER_BOOT_TIMEOUT = declare(Setting.integer(EngineConfig.WORKER_BOOT_TIMEOUT, 0, 3_600)
            .byDefault("60")
            .means("seconds a worker may take from its spawn to its accept loop before it is killed (SIGKILL) and counted as a"
                    + " start-up failure, which the pool backs off from as from a worker that exits at start-up; 0 waits for"
                    + " ever"));

    public static final Setting<Path> JAVA_HOME = declare(Setting.absolutePath(EngineConfig.JAVA_HOME)
            .means("the JDK 22+ that runs the supervisor and workers; by default the current java.home when it qualifies"));

    public static final Setting<List<String>> WORKER_JVM_OPTIONS = declare(Setting.of(EngineConfig.WORKER_JVM_OPTIONS, SettingType.words())
            .byDefault(EngineConfig.DEFAULT_WORKER_JVM_OPTIONS)
            .means("JVM options of every worker process, separated by spaces; left unset while max_requests is 1 to "
                    + EngineConfig.INTERPRETED_MAX_REQUESTS + ", workers run interpreted (" + EngineConfig.INTERPRETED_WORKER_JVM_OPTIONS
                    + "), which costs less than compiling for a worker that short-lived"));

    public static final Setting<Boolean> WORKER_CDS = declare(Setting.bool(EngineConfig.WORKER_CDS)
            .byDefault("true")
            .means("share the classes of every worker through a class-data-sharing archive made by the first worker that exits"
                    + " (faster, smaller workers)"));

    public static final Setting<Path> RUNTIME_DIR = declare(Setting.absolutePath(EngineConfig.RUNTIME_DIR)
            .means("where the private directory with the bridge socket is made; by default java.io.tmpdir"));

    /** It names the endpoint and so its MicroProfile Config keys ({@code prefork.<name>.*}): it cannot come from them. */
    public static final Setting<String> NAME = declare(Setting.of(EngineConfig.NAME, SettingType.matching("[A-Za-z0-9._-]{1,64}",
                    "1 to 64 letters, digits, . _ -", "must be 1 to 64 letters, digits, '.', '_' or '-'"))
            .byDefault("prefork").onlyFrom(SettingLayer.ACTIVATION_CONFIG, SettingLayer.COMMAND_LINE)
            .means("a name for this pool in logs and process listings; in the adapter, by default the MDB's class name"));

    public static final Setting<PortSpec> STATUS_PORT = declare(Setting.of(EngineConfig.STATUS_PORT, tcpListener(EngineConfig.STATUS_PORT))
            .means("where the supervisor answers HTTP GET /status (text, ?json, ?openmetrics, ?html; ?full adds every worker)"
                    + " and /health, even while every worker is busy: a port number (binds 127.0.0.1) or host:port (* for every"
                    + " address; the page shows client addresses, so bind wider only on purpose); TCP only; off by default"));

    public static final Setting<PortSpec> AGENT_PORT = declare(Setting.of(EngineConfig.AGENT_PORT, tcpListener(EngineConfig.AGENT_PORT))
            .means("where the supervisor answers HAProxy's agent-check: one line (up ready N% with N the share of idle workers,"
                    + " drain, or down while stopping) per connection; a port number (binds 127.0.0.1) or host:port; off by default"));

    public static final Setting<Integer> CONFIG_REFRESH = declare(Setting.integer(EngineConfig.CONFIG_REFRESH, 0, 86_400)
            .byDefault("5")
            .means("seconds between two readings, by the resource adapter, of the settings a running pool takes (max_servers,"
                    + " max_requests, max_requests_jitter, graceful_shutdown_timeout, max_clients, first_byte_timeout, max_wait)"
                    + " from MicroProfile Config and its config"
                    + " properties; a change applies at once, any other changed setting is logged as applying at the next"
                    + " activation; 0 turns it off (the standalone launcher reads its conf_file again on SIGHUP instead)"));

    public static final Setting<Integer> MAX_WORKER_RSS = declare(Setting.integer(EngineConfig.MAX_WORKER_RSS, 0, 1_048_576)
            .byDefault("0")
            .means("megabytes of resident memory past which a worker is retired (replaced new-first, leaving after its current"
                    + " connection); 0 is no limit. Workers run only the engine's code, so this guards against leaks of the"
                    + " engine's or the JDK's"));

    public static final Setting<Integer> MAX_WORKER_AGE = declare(Setting.integer(EngineConfig.MAX_WORKER_AGE, 0, 31_536_000)
            .byDefault("0")
            .means("seconds after which a worker is retired (replaced new-first, leaving after its current connection);"
                    + " 0 is no limit"));

    public static final Setting<Integer> IDLE_TIMEOUT = declare(Setting.integer(EngineConfig.IDLE_TIMEOUT, 0, 86_400)
            .byDefault("300")
            .means("seconds one read may wait for the client's next bytes before it fails (SocketTimeoutException) and the"
                    + " connection closes; 0 waits for ever; a handler can change it per connection"
                    + " (PreforkConnection.setIdleTimeout)"));

    public static final Setting<Integer> REQUEST_TIMEOUT = declare(Setting.integer(EngineConfig.REQUEST_TIMEOUT, 0, 86_400)
            .byDefault("0")
            .means("seconds a handler (processRequest) may run before its connection is cut off, its thread interrupted and"
                    + " its stack logged; 0 is unlimited (a connection lasts as long as its protocol wants)"));

    public static final Setting<Integer> SLOW_THRESHOLD = declare(Setting.integer(EngineConfig.SLOW_THRESHOLD, 0, 86_400)
            .byDefault("0")
            .means("seconds after which a running handler is logged once with its thread's stack, and nothing else is done"
                    + " (a slow log); 0 turns it off"));

    public static final Setting<Integer> MAX_CLIENTS = declare(Setting.integer(EngineConfig.MAX_CLIENTS, 0, 100_000)
            .byDefault("1000").changeableWhileRunning()
            .means("with handoff descriptor: connections in service or waiting for their first bytes in this JVM at once"
                    + " (the whole pool); a worker is free to accept again as soon as its client is handed over, until this"
                    + " many are here; then the client a worker brings waits for a slot with its worker held back, so workers"
                    + " stop accepting and clients wait in the kernel's backlog (listen). 0 is Net::Server's model: a worker"
                    + " carries its client until the handler returns (changing to or from 0 applies at the next start)."
                    + " See Slow and idle clients"));

    public static final Setting<DeliverOn> DELIVER_ON = declare(Setting.choice(EngineConfig.DELIVER_ON, DeliverOn.class)
            .byDefault("first_byte")
            .means("when a connection reaches the handler (with max_clients above 0): first_byte once the client has sent"
                    + " something (until then it waits in one poller, costing a descriptor and no thread), accept at once,"
                    + " for protocols where the server speaks first (daytime, SMTP)"));

    public static final Setting<Integer> FIRST_BYTE_TIMEOUT = declare(Setting.integer(EngineConfig.FIRST_BYTE_TIMEOUT, 0, 86_400)
            .byDefault("60").changeableWhileRunning()
            .means("seconds a connection may wait for its first bytes (deliver_on first_byte) before it is closed unserved"
                    + " and counted; 0 waits for ever (nginx's client_header_timeout is 60 s too)"));

    public static final Setting<Integer> MAX_WAIT = declare(Setting.integer(EngineConfig.MAX_WAIT, 0, 3_600)
            .byDefault("0").changeableWhileRunning()
            .means("seconds a connection may wait in this JVM for a slot while max_clients are here before it reads the busy"
                    + " line (busy: ..., try again later) and is closed, counted and logged; until a slot frees, the clients"
                    + " its workers bring next are answered busy at once. 0 lets them wait for a slot (off: see Slow and idle"
                    + " clients for why)"));

    public static final Setting<String> ALLOW = declare(Setting.of(EngineConfig.ALLOW, accessList(AccessRules::checkExpressions))
            .means("regular expressions, separated by spaces, for client addresses to serve (Net::Server's allow; each"
                    + " matches the whole address, e.g. 127\\.0\\.0\\.\\d+ or ::1); see Access control"));

    public static final Setting<String> DENY = declare(Setting.of(EngineConfig.DENY, accessList(AccessRules::checkExpressions))
            .means("regular expressions, separated by spaces, for client addresses to refuse (Net::Server's deny); a deny"
                    + " beats an allow"));

    public static final Setting<String> CIDR_ALLOW = declare(Setting.of(EngineConfig.CIDR_ALLOW, accessList(AccessRules::checkBlocks))
            .means("address blocks to serve, separated by spaces or commas, e.g. 127.0.0.0/8, ::1/128 (Net::Server's"
                    + " cidr_allow)"));

    public static final Setting<String> CIDR_DENY = declare(Setting.of(EngineConfig.CIDR_DENY, accessList(AccessRules::checkBlocks))
            .means("address blocks to refuse, separated by spaces or commas (Net::Server's cidr_deny)"));

    public static final Setting<String> CLIENTS = declare(Setting.of(EngineConfig.CLIENTS, accessList(AccessRules::checkClients))
            .means("Net::Daemon's clients list instead of allow/deny: accept:MASK and deny:MASK entries separated by"
                    + " spaces, the first whose regular expression is found in the address decides, no match refuses"));

    public static final Setting<String> DENY_MESSAGE = declare(Setting.of(EngineConfig.DENY_MESSAGE, oneLine())
            .means("a line written to a refused client before its connection is closed; by default it is closed without a"
                    + " word, as Net::Server does"));

    public static final Setting<String> BUSY_MESSAGE = declare(Setting.of(EngineConfig.BUSY_MESSAGE, oneLine())
            .byDefault("busy: {reason}, try again later")
            .means("the line a client turned away for want of room reads before its connection is closed (max_wait passed,"
                    + " no handler thread or bean instance free, the endpoint stopping); {reason} stands for why, e.g."
                    + " 'all 8 connections of echo are in service'"));

    public static final Setting<ProxyProtocol> PROXY_PROTOCOL = declare(Setting.choice(EngineConfig.PROXY_PROTOCOL, ProxyProtocol.class)
            .byDefault("off")
            .means("the PROXY protocol header (HAProxy's, v1 text or v2 binary, or any: either) every connection must start"
                    + " with, read by the worker within 3 s before the handoff: the handler and the access rules then see the"
                    + " client's address it carries; a connection without a valid header is closed and logged. Needs"
                    + " proxy_allow; see Running on several machines"));

    public static final Setting<String> PROXY_ALLOW = declare(Setting.of(EngineConfig.PROXY_ALLOW, accessList(AccessRules::checkProxyAllow))
            .means("the balancers whose PROXY headers are believed: addresses or blocks separated by spaces or commas, e.g."
                    + " 127.0.0.1, 10.0.0.0/24; with proxy_protocol on, a connection from anywhere else is refused and logged"));

    public static final Setting<Integer> DRAIN_TIMEOUT = declare(Setting.integer(EngineConfig.DRAIN_TIMEOUT, 0, 3_600)
            .byDefault("0")
            .means("seconds a stopping pool (stop, undeploy, SIGTERM) first keeps serving while its agent-check answers drain"
                    + " and /health answers draining, so that a balancer sends new clients elsewhere before the ports close; 0"
                    + " stops at once"));

    /** log_file's value for syslog (Net::Server's name; "syslog" is read as it too). */
    public static final String SYSLOG = "Sys::Syslog";

    // The standalone launcher's daemon duties (Net::Server's names): an application server has its own.

    public static final Setting<String> USER = declare(Setting.of("user", accountNames("a user name or number", false))
            .onlyFrom(SettingLayer.COMMAND_LINE)
            .means("the user the supervisor and every worker run as once the ports are bound (the launcher must run as root);"
                    + " without group, that user's group and supplementary groups (initgroups). By default the launcher's user"));

    public static final Setting<String> GROUP = declare(Setting.of("group", accountNames("group names or numbers", true))
            .onlyFrom(SettingLayer.COMMAND_LINE)
            .means("the group the supervisor and every worker run as with user (needs root): the first is the primary group,"
                    + " all of them the supplementary groups, as Net::Server's space-separated list; by default user's own"));

    public static final Setting<Path> CHROOT = declare(Setting.absolutePath("chroot")
            .onlyFrom(SettingLayer.COMMAND_LINE)
            .means("a directory every worker_program and program is confined to (chroot, then chdir to its /), entered after"
                    + " the ports are bound and before the program runs, with user and group applied after it; the command line"
                    + " is read by /bin/sh outside, the program it names is looked up inside, so the directory holds the"
                    + " program and what it needs, nothing else. Needs root; refused for our worker JVMs, which need the JDK"
                    + " outside it (Net::Server's and Net::Daemon's chroot); by default none"));

    public static final Setting<Boolean> BACKGROUND = declare(Setting.bool("background")
            .byDefault("false").onlyFrom(SettingLayer.COMMAND_LINE)
            .means("the standalone launcher detaches once it serves: the command returns, the server goes on in a new"
                    + " session with its standard streams on /dev/null (give log_file), and pid_file names it"));

    public static final Setting<Boolean> SETSID = declare(Setting.bool("setsid")
            .byDefault("false").onlyFrom(SettingLayer.COMMAND_LINE)
            .means("as background (which always starts a new session here)"));

    public static final Setting<List<String>> LAUNCHER_JVM_OPTIONS = declare(Setting.of("launcher_jvm_options", SettingType.words())
            .byDefault("-XX:+UseSerialGC -Xmx64m -Xmn8m -Xss512k -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0"
                    + " -XX:TrimNativeHeapInterval=1000 -Djdk.reflect.useNativeAccessorOnly=true")
            .onlyFrom(SettingLayer.COMMAND_LINE)
            .means("JVM options the standalone launcher restarts itself with (in place: same process id) when its JVM was"
                    + " started without a maximum heap or collector of its own (-Xmx, -XX:MaxHeapSize, -XX:MaxRAM..., -XX:+Use...GC),"
                    + " so that it keeps the small heap its handlers and the pool's bookkeeping need rather than the JVM's"
                    + " default of a quarter of the machine; empty keeps the JVM as started. Needs JDK 22+ for the launcher"));

    public static final Setting<Integer> CHECK_FOR_DEQUEUE = declare(Setting.of("check_for_dequeue",
                    SettingType.optional(SettingType.integer(1, 86_400)))
            .onlyFrom(SettingLayer.ENDPOINT_MP_CONFIG, SettingLayer.ACTIVATION_CONFIG, SettingLayer.COMMAND_LINE)
            .means("every this many seconds a dequeue job starts unless max_dequeue of them still run (PreForkSimple's"
                    + " run_dequeue, for mail queues and the like): in the standalone launcher dequeue_command, for an MDB or"
                    + " a Weld SE bean that implements PreforkDequeue a call of its runDequeue() (an MDB's through the"
                    + " WorkManager); an endpoint whose class does not implement it fails to start. A job still running"
                    + " counts against max_dequeue. At stop a command gets TERM, then KILL after graceful_shutdown_timeout; a call"
                    + " gets graceful_shutdown_timeout to return, then an interrupt. By default never"));

    public static final Setting<Integer> MAX_DEQUEUE = declare(Setting.integer("max_dequeue", 0, 64)
            .byDefault("0").onlyFrom(SettingLayer.ENDPOINT_MP_CONFIG, SettingLayer.ACTIVATION_CONFIG, SettingLayer.COMMAND_LINE)
            .means("dequeue jobs that may run at once; 0 starts none, as in Net::Server (with check_for_dequeue, at least 1)"));

    public static final Setting<String> DEQUEUE_COMMAND = declare(Setting.text("dequeue_command")
            .onlyFrom(SettingLayer.COMMAND_LINE)
            .means("the dequeue job, run with /bin/sh -c as user and group when given (else as the launcher's user), outside"
                    + " any chroot, its output logged line by line tagged"
                    + " dequeue[PID]; stopped (TERM, then KILL after graceful_shutdown_timeout) when the launcher stops"));

    public static final Setting<String> WORKER_PROGRAM = declare(Setting.text("worker_program")
            .onlyFrom(SettingLayer.COMMAND_LINE)
            .means("a program pool: this command runs as each of the max_servers workers instead of our worker JVM, started"
                    + " with exec by /bin/sh (quotes and $VARS as on a shell line, one command) and given the listening sockets as"
                    + " program_socket says; it accepts and serves its clients itself (no handler, no bridge). Kept running,"
                    + " replaced with back-off when it dies, replaced new-ones-first on SIGHUP, sent TERM at stop; by default"
                    + " none (the workers are our JVMs)"));

    public static final Setting<ProgramSocket> PROGRAM_SOCKET = declare(Setting.choice("program_socket", ProgramSocket.class)
            .byDefault("listen_fds").onlyFrom(SettingLayer.COMMAND_LINE)
            .means("how worker_program gets the listening sockets: listen_fds as systemd's socket activation (descriptors 3"
                    + " and up, LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES=name), stdin as inetd's wait mode (descriptor 0, one"
                    + " port only; its output still goes to the log), or stdio as inetd does it exactly (descriptors 0, 1 and 2,"
                    + " one port only; its output cannot reach the log)"));

    public static final Setting<String> PROGRAM = declare(Setting.text("program")
            .onlyFrom(SettingLayer.COMMAND_LINE)
            .means("a program to keep running, without a socket (the hydra's list; repeat the key for more): started with exec"
                    + " by /bin/sh, restarted when it exits (with back-off and crash_limit), all restarted on SIGHUP, all"
                    + " stopped (TERM, then KILL after graceful_shutdown_timeout) at stop; its output is logged tagged with its"
                    + " name (the command's first word without its directory) and pid; by default none"));

    /**
     * Signals the launcher keeps for itself (they stop it, re-read its settings, reopen its log), its JVM's
     * (faults, thread dumps, broken pipes) and those no process can catch.
     */
    static final List<String> LAUNCHER_SIGNALS = List.of("HUP", "INT", "TERM", "USR1", "QUIT", "KILL", "STOP", "CHLD", "SEGV",
            "BUS", "FPE", "ILL", "TRAP", "ABRT", "SYS", "PIPE", "XFSZ");

    public static final Setting<String> SIG_PASSTHROUGH = declare(Setting.of("sig_passthrough", SettingType.of(
                    "signal names (USR2, WINCH…)", text -> {
                        List<String> names = new ArrayList<>();
                        for (String word : text.trim().split("[,\\s]+")) {
                            String name = word.toUpperCase(java.util.Locale.ROOT).replaceFirst("^SIG", "");
                            if (word.isEmpty() || names.contains(name)) {
                                continue;
                            }
                            if (!name.matches("[A-Z][A-Z0-9]*")) {
                                throw new IllegalArgumentException("must be signal names such as USR2 or WINCH");
                            }
                            if (LAUNCHER_SIGNALS.contains(name)) {
                                throw new IllegalArgumentException("must not name " + LAUNCHER_SIGNALS + ": the launcher keeps those"
                                        + " (HUP re-reads the settings and restarts the programs, INT and TERM stop them,"
                                        + " USR1 reopens the log_file, the JVM keeps QUIT and the fault signals, KILL and STOP"
                                        + " cannot be caught)");
                            }
                            names.add(name);
                        }
                        return String.join(",", names);
                    }))
            .onlyFrom(SettingLayer.COMMAND_LINE)
            .means("signals that the launcher, when it gets one, sends on to every worker_program and program (to each one's"
                    + " process group), as Net::Server passes them to its children: for programs that act on USR2, WINCH and"
                    + " the like; names separated by commas or spaces, repeated lines accumulate; programs only; by default none"));

    public static final Setting<Integer> CRASH_LIMIT = declare(Setting.integer("crash_limit", 0, 1_000)
            .byDefault("5").onlyFrom(SettingLayer.COMMAND_LINE)
            .means("a program or worker_program that exits this many times in a row within 10 s of its start is not"
                    + " started again (a worker_program's pool then stops the launcher with status 1, as does the last"
                    + " program given up); before that each restart waits 0.25 s, doubling to 30 s; 0 restarts for ever"
                    + " (as the hydra does), still with the back-off"));

    public static final Setting<String> EXIT_COMMAND = declare(Setting.text("exit_command")
            .onlyFrom(SettingLayer.COMMAND_LINE)
            .means("run with /bin/sh -c once every program and worker_program has stopped, before the launcher exits"
                    + " (the hydra's exit function); its output is logged, and it is killed after graceful_shutdown_timeout"));

    public static final Setting<Path> PID_FILE = declare(Setting.absolutePath("pid_file")
            .onlyFrom(SettingLayer.COMMAND_LINE)
            .means("a file the standalone launcher writes its process id to once its ports are bound, and removes when it"
                    + " stops; it refuses to start while the file names a running process, and replaces a stale one"
                    + " (Net::Daemon's pidfile); by default none"));

    public static final Setting<String> LOG_FILE = declare(Setting.of("log_file", SettingType.of("an absolute path, or Sys::Syslog", text -> {
                String value = text.trim();
                if (value.equalsIgnoreCase(SYSLOG) || value.equalsIgnoreCase("syslog")) {
                    return SYSLOG;
                }
                if (value.equals("STDERR")) {
                    return ""; // Net::Daemon's name for standard error, where the log goes by default
                }
                if (!value.isEmpty() && !value.startsWith("/")) {
                    throw new IllegalArgumentException("must be an absolute path");
                }
                return value;
            }))
            .onlyFrom(SettingLayer.COMMAND_LINE)
            .means("a file the standalone launcher appends its log to, one line per record: its own lines, the engine's, and"
                    + " those of the supervisor and workers that it relays; reopened on SIGHUP and SIGUSR1 (for logrotate);"
                    + " by default standard error (Net::Daemon's logfile). Sys::Syslog (or syslog) sends every record to the"
                    + " local syslog socket instead (syslog_*)"));

    public static final Setting<Integer> LOG_LEVEL = declare(Setting.integer("log_level", 0, 4)
            .byDefault("2").onlyFrom(SettingLayer.COMMAND_LINE)
            .means("how much the standalone launcher logs, Net::Server's levels: 0 errors (java.util.logging SEVERE),"
                    + " 1 warnings (WARNING), 2 notices (INFO), 3 information (CONFIG and FINE), 4 debugging (everything)"));

    public static final Setting<String> SYSLOG_IDENT = declare(Setting.of("syslog_ident", SettingType.of(
                    "1 to 32 letters, digits or . _ - /", text -> {
                        String value = text.trim();
                        if (!value.matches("[A-Za-z0-9._/-]{1,32}")) {
                            throw new IllegalArgumentException("must be 1 to 32 letters, digits or . _ - / (RFC 3164's TAG)");
                        }
                        return value;
                    }))
            .byDefault("prefork").onlyFrom(SettingLayer.COMMAND_LINE)
            .means("with log_file Sys::Syslog: the name each message is tagged with (Net::Server's default is net_server)"));

    public static final Setting<SyslogFacility> SYSLOG_FACILITY = declare(Setting.choice("syslog_facility", SyslogFacility.class)
            .byDefault("daemon").onlyFrom(SettingLayer.COMMAND_LINE)
            .means("with log_file Sys::Syslog: the facility of every message (Net::Daemon's facility)"));

    public static final Setting<String> SYSLOG_LOGSOCK = declare(Setting.of("syslog_logsock", SettingType.of(
                    "unix, native or an absolute path", text -> {
                        String value = text.trim();
                        if (value.equals("unix") || value.equals("native")) {
                            return "/dev/log";
                        }
                        if (!value.startsWith("/")) {
                            throw new IllegalArgumentException("must be unix or native (both /dev/log), or the absolute path of"
                                    + " a UNIX datagram socket; inet, udp, tcp, stream and console are not supported");
                        }
                        return value;
                    }))
            .byDefault("/dev/log").onlyFrom(SettingLayer.COMMAND_LINE)
            .means("with log_file Sys::Syslog: the local syslog socket the messages are sent to, as datagrams"));

    public static final Setting<String> SYSLOG_LOGOPT = declare(Setting.of("syslog_logopt", SettingType.of(
                    "words of pid, ndelay, nowait, cons, nofatal, perror, odelay", text -> {
                        String value = text.trim();
                        if (!value.matches("((pid|ndelay|nowait|cons|nofatal|perror|odelay)([\\s,|]+|$))*")) {
                            throw new IllegalArgumentException("must be words of pid, ndelay, nowait, cons, nofatal, perror or"
                                    + " odelay (Sys::Syslog's openlog options)");
                        }
                        return value;
                    }))
            .byDefault("pid").onlyFrom(SettingLayer.COMMAND_LINE)
            .means("with log_file Sys::Syslog: openlog's options; pid adds [PID] after the ident, the others change nothing"
                    + " here (messages are sent one datagram each, at once, never to the console)"));

    /** User or group names (as useradd allows them) or numbers; several separated by spaces when {@code several}. */
    private static SettingType<String> accountNames(String what, boolean several) {
        String name = "[A-Za-z0-9_.][A-Za-z0-9_.-]*\\$?";
        String pattern = several ? name + "(\\s+" + name + ")*" : name;
        return SettingType.of(what, text -> {
            String value = text.trim();
            if (!value.isEmpty() && !value.matches(pattern)) {
                throw new IllegalArgumentException(several ? "must be names or numbers separated by spaces"
                        : "must be one name or number");
            }
            return value;
        });
    }

    private static final List<Setting<?>> ALL = Collections.unmodifiableList(new ArrayList<>(DECLARED));
    private static final Map<String, Setting<?>> BY_KEY;

    static {
        Map<String, Setting<?>> byKey = new LinkedHashMap<>();
        for (Setting<?> setting : ALL) {
            byKey.put(setting.key(), setting);
        }
        BY_KEY = Collections.unmodifiableMap(byKey);
    }

    private Settings() {
    }

    /** Every declared setting, in documentation order. */
    public static List<Setting<?>> all() {
        return ALL;
    }

    /** Every key, in documentation order. */
    public static List<String> keys() {
        return List.copyOf(BY_KEY.keySet());
    }

    /** The declaration of {@code key}, or {@code null} when no setting has that key. */
    public static Setting<?> byKey(String key) {
        return BY_KEY.get(key);
    }

    /**
     * Registers a finished declaration: it must say what it means, its key must be new, and its default
     * must pass its own check, so that a slip fails the first use of any setting rather than one pool.
     */
    private static <T> Setting<T> declare(Setting<T> setting) {
        if (setting.description().isBlank()) {
            throw new IllegalStateException(setting.key() + " is declared without a description");
        }
        for (Setting<?> other : DECLARED) {
            if (other.key().equals(setting.key())) {
                throw new IllegalStateException(setting.key() + " is declared twice");
            }
        }
        setting.parse(setting.defaultValue());
        DECLARED.add(setting);
        return setting;
    }

    /**
     * An optional TCP address of one of the supervisor's own listeners: blank means off, a bare port binds
     * {@link EngineConfig#STATUS_DEFAULT_HOST}. A UNIX socket path is refused: the JDK's HttpServer binds
     * only TCP addresses.
     */
    private static SettingType<PortSpec> tcpListener(String key) {
        return SettingType.optional(new SettingType<>() {
            @Override
            public PortSpec parse(String text) {
                String value = text.trim();
                if (value.startsWith("/")) {
                    throw new IllegalArgumentException("must be a port number or host:port; a UNIX socket path is not supported"
                            + " (the JDK's HttpServer binds TCP addresses only)");
                }
                try {
                    return PortSpec.parse(value, EngineConfig.STATUS_DEFAULT_HOST);
                } catch (ConfigException e) {
                    throw new IllegalArgumentException("must be a port number from 0 to 65535, or host:port (localhost:9100,"
                            + " [::1]:9100, *:9100)");
                }
            }

            @Override
            public String format(PortSpec value) {
                return value.toString();
            }

            @Override
            public String allowed() {
                return "a port number or host:port";
            }
        });
    }

    /** A line a client reads: the line end is added, so none may be inside; bounded like any line we write. */
    private static SettingType<String> oneLine() {
        return SettingType.of("one line, at most 512 characters", text -> {
            if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0 || text.length() > 512) {
                throw new IllegalArgumentException("must be one line of at most 512 characters (the line end is added)");
            }
            return text;
        });
    }

    /** An access list's text, checked by {@code check} (which throws a {@link AccessRules.Form} saying why). */
    private static SettingType<String> accessList(java.util.function.Consumer<String> check) {
        return SettingType.of("", text -> {
            try {
                check.accept(text);
            } catch (AccessRules.Form e) {
                throw new IllegalArgumentException(e.problem());
            }
            return text;
        });
    }

    /**
     * The port list on its own, with bare port numbers on every address; {@link EngineConfig} parses it
     * again with the configured {@code host}.
     */
    private static String checkPorts(String text) {
        EngineConfig.portSpecs(text, PortSpec.ANY_HOST);
        return text;
    }
}
