package dev.prefork.engine.config;

import dev.prefork.engine.access.AccessRules;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The settings of one pre-forking pool: immutable and validated. What the settings are, their types,
 * defaults and allowed values is declared in {@link Settings}; this class parses every declared setting
 * from text and adds the checks that involve more than one setting (ports with {@code host}, the jitter's
 * room above {@code max_requests}).
 *
 * <p>Every value is parsed from text, so one path serves a properties file, a command line, MicroProfile
 * Config and an activation spec alike; a bad value fails with a {@link ConfigException} that names the
 * key, the value and what is allowed.
 */
public final class EngineConfig {

    // The keys as compile-time constants, for code that names a setting in a message or an annotation;
    // everything else about a setting is in its declaration in Settings.
    public static final String PORT = "port";
    public static final String HOST = "host";
    public static final String MAX_SERVERS = "max_servers";
    public static final String MAX_REQUESTS = "max_requests";
    public static final String MAX_REQUESTS_JITTER = "max_requests_jitter";
    public static final String SERIALIZE = "serialize";
    public static final String HANDOFF = "handoff";
    public static final String DESCRIPTOR_TRANSFER = "descriptor_transfer";
    public static final String LOCK_FILE = "lock_file";
    public static final String CHECK_FOR_DEAD = "check_for_dead";
    public static final String LISTEN = "listen";
    public static final String GRACEFUL_SHUTDOWN_TIMEOUT = "graceful_shutdown_timeout";
    public static final String JAVA_HOME = "java_home";
    public static final String WORKER_JVM_OPTIONS = "worker_jvm_options";
    public static final String RUNTIME_DIR = "runtime_dir";
    public static final String WORKER_CDS = "worker_cds";
    public static final String NAME = "name";
    public static final String MAX_WORKER_RSS = "max_worker_rss";
    public static final String MAX_WORKER_AGE = "max_worker_age";
    public static final String IDLE_TIMEOUT = "idle_timeout";
    public static final String REQUEST_TIMEOUT = "request_timeout";
    public static final String SLOW_THRESHOLD = "slow_threshold";
    public static final String MAX_CLIENTS = "max_clients";
    public static final String DELIVER_ON = "deliver_on";
    public static final String FIRST_BYTE_TIMEOUT = "first_byte_timeout";
    public static final String MAX_WAIT = "max_wait";
    public static final String ALLOW = "allow";
    public static final String DENY = "deny";
    public static final String CIDR_ALLOW = "cidr_allow";
    public static final String CIDR_DENY = "cidr_deny";
    public static final String CLIENTS = "clients";
    public static final String DENY_MESSAGE = "deny_message";
    public static final String BUSY_MESSAGE = "busy_message";
    public static final String STATUS_PORT = "status_port";
    public static final String AGENT_PORT = "agent_port";
    public static final String CONFIG_REFRESH = "config_refresh";
    public static final String PROXY_PROTOCOL = "proxy_protocol";
    public static final String PROXY_ALLOW = "proxy_allow";
    public static final String DRAIN_TIMEOUT = "drain_timeout";
    public static final String MAX_STARTING = "max_starting";
    public static final String WORKER_BOOT_TIMEOUT = "worker_boot_timeout";

    /** Where status_port and agent_port bind when only a port number is given: they reveal client addresses. */
    public static final String STATUS_DEFAULT_HOST = "127.0.0.1";

    /** The settings a worker needs to decide who it serves. */
    public static final List<String> ACCESS_KEYS = List.of(ALLOW, DENY, CIDR_ALLOW, CIDR_DENY, CLIENTS, DENY_MESSAGE,
            PROXY_PROTOCOL, PROXY_ALLOW);

    public static final int MAX_SERVERS_LIMIT = 1024;

    /**
     * JVM flags for workers, measured to start fastest and smallest on a 2-core machine: C1 only, serial
     * GC, a small heap and code cache; and class-data-sharing archives mapped at their preferred address
     * rather than a random one (ArchiveRelocationMode=0, the JDK's default before 20), because relocating
     * an archive writes into its pages and makes them private to each worker (measured on JDK 25 with the
     * workers' archive: PSS 28 → 16 MB, start-up CPU 110 → 70 ms per worker); no hsperfdata file
     * (-XX:-UsePerfData: ~2 MB less PSS per worker, no CPU cost measured); and the C1 compiler's arena
     * memory handed back to the system every second (TrimNativeHeapInterval: a descriptor-passing worker
     * kept ~10 MB of freed compiler arenas after warming up, PSS 31 → 21 MB); and a 1 MB young generation
     * (-Xmn1m, issue 13): the serial collector sizes it at a third of the heap and a worker walks through all of it
     * between collections, so every page became resident (6.5 MB of a worker's 19 MB PSS after load was heap); with
     * 1 MB the same load leaves 3 MB less per worker (18.4 → 15.4 MB, same run), and as nearly nothing a worker
     * allocates outlives its connection, the more frequent young collections find next to nothing to copy. C1 waits
     * for three times the usual invocation counts before compiling (-XX:CompileThresholdScaling=3): a new worker
     * otherwise compiles much of its start-up code, which runs once; measured on a quiet machine, a worker's CPU to
     * its first answer 310–350 → 230–240 ms, and no more CPU after 2 000 connections (ANALYSIS.md, "quiet-machine run").
     */
    public static final String DEFAULT_WORKER_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 " + WorkerJvm.MEMORY
            + " -XX:CICompilerCount=1 -XX:CompileThresholdScaling=3 -XX:ReservedCodeCacheSize=16m " + WorkerJvm.PROCESS;

    /**
     * The workers' options when {@code worker_jvm_options} is left unset and every worker serves at most
     * {@link #INTERPRETED_MAX_REQUESTS} connections: the same without the JIT compiler. A worker that lives that
     * briefly spends more CPU compiling its loop than running it, and no compiler thread, code cache or compiler
     * arenas make it smaller (measured: replacement CPU and PSS in docs/benchmarks/ANALYSIS.md, "Issue 13").
     */
    public static final String INTERPRETED_WORKER_JVM_OPTIONS = "-Xint " + WorkerJvm.MEMORY + " " + WorkerJvm.PROCESS;

    /** The worker options that compiled and interpreted workers share, written once so that the two cannot drift apart. */
    private static final class WorkerJvm {
        /** Collector, heap, young generation and thread stacks. */
        static final String MEMORY = "-XX:+UseSerialGC -Xmx16m -Xmn1m -Xss256k";
        /** Archive mapping, no hsperfdata file, native heap trimming. */
        static final String PROCESS =
                "-XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:-UsePerfData -XX:TrimNativeHeapInterval=1000";
    }

    /**
     * Up to this max_requests an unset {@code worker_jvm_options} means {@link #INTERPRETED_WORKER_JVM_OPTIONS}. Chosen
     * from six comparisons in five harness runs with the workers' AOT cache (issue 13's sixth pass:
     * docs/benchmarks/issue13-aot, issue13-aot-replacement, issue13-compiled, issue13-relay-replacement, issue13-sixth),
     * interpreted beside compiled workers in each: at max_requests 100 compiled workers served 0.96 times the
     * connections per second at 1.05 times the CPU per connection (geometric means; each run moves ±15 %), and
     * interpreted ones are about 1 MB smaller; at 1000, 1.02 times at 0.95 times. So each side of the bound runs the
     * cheaper in CPU. Before the cache, and before workers stopped generating reflection classes, the JIT's warm-up
     * was dearer and the bound was 1000.
     */
    public static final int INTERPRETED_MAX_REQUESTS = 100;

    /** Every declared setting's parsed value ({@code null}: an optional setting left unset), by declaration. */
    private final Map<Setting<?>, Object> values = new LinkedHashMap<>();
    private final List<PortSpec> ports;
    private final AccessRules accessRules;

    private EngineConfig(Map<String, String> given) {
        for (String key : given.keySet()) {
            if (Settings.byKey(key) == null) {
                throw new ConfigException(key, given.get(key), "unknown setting; known settings are " + Settings.keys());
            }
        }
        for (Setting<?> setting : Settings.all()) {
            // The jitter's range depends on max_requests: it is parsed below, to say that range when it is wrong.
            values.put(setting, setting == Settings.MAX_REQUESTS_JITTER ? null : setting.parse(given.get(setting.key())));
        }
        // The checks that involve two settings. Their results are stored back as the settings' values, so
        // that toMap() (what the supervisor receives) carries what was worked out, and equal pools compare equal.
        ports = portSpecs(get(Settings.PORT), get(Settings.HOST));
        values.put(Settings.PORT, String.join(",", ports.stream().map(PortSpec::toString).toList()));
        int maxRequests = get(Settings.MAX_REQUESTS);
        Integer jitter = Settings.MAX_REQUESTS_JITTER.parse(given.get(MAX_REQUESTS_JITTER),
                SettingType.optional(SettingType.integer(0, Integer.MAX_VALUE - maxRequests)));
        values.put(Settings.MAX_REQUESTS_JITTER, jitter == null ? maxRequests / 2 : jitter);
        if (given.get(WORKER_JVM_OPTIONS) == null && maxRequests > 0 && maxRequests <= INTERPRETED_MAX_REQUESTS) {
            values.put(Settings.WORKER_JVM_OPTIONS, Settings.WORKER_JVM_OPTIONS.parse(INTERPRETED_WORKER_JVM_OPTIONS));
        }
        PortSpec statusPort = get(Settings.STATUS_PORT);
        if (statusPort != null && statusPort.equals(get(Settings.AGENT_PORT)) && statusPort.port() != 0) {
            throw new ConfigException(AGENT_PORT, given.get(AGENT_PORT), "is the same as status_port; give each its own port");
        }
        // Each access list was checked on its own; together they must also be one form, not both.
        try {
            accessRules = AccessRules.parse(get(Settings.ALLOW), get(Settings.DENY), get(Settings.CIDR_ALLOW),
                    get(Settings.CIDR_DENY), get(Settings.CLIENTS));
        } catch (AccessRules.Form e) {
            throw new ConfigException(e.key(), e.value(), e.problem());
        }
        // Never trust a PROXY header from anyone: the balancers must be named.
        if (get(Settings.PROXY_PROTOCOL) != ProxyProtocol.OFF && get(Settings.PROXY_ALLOW).isBlank()) {
            throw new ConfigException(PROXY_PROTOCOL, given.get(PROXY_PROTOCOL), "needs proxy_allow: the addresses or"
                    + " blocks of the balancers whose PROXY headers are believed (e.g. 127.0.0.1 or 10.0.0.0/24)");
        }
    }

    /** The {@code port} setting's list, each bare port number bound on {@code host}; no port twice. */
    static List<PortSpec> portSpecs(String text, String host) {
        List<PortSpec> parsed = new ArrayList<>();
        for (String one : text.split(",")) {
            if (one.isBlank()) {
                throw new ConfigException(PORT, text, "must name at least one port; separate several with commas");
            }
            PortSpec spec = PortSpec.parse(one, host);
            if (parsed.contains(spec) && spec.port() != 0) {
                throw new ConfigException(PORT, text, "names " + spec + " twice");
            }
            parsed.add(spec);
        }
        return List.copyOf(parsed);
    }

    /** Parses and validates {@code values}; missing keys take their defaults. */
    public static EngineConfig fromMap(Map<String, String> values) {
        return new EngineConfig(values);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.values.putAll(toMap());
        return builder;
    }

    /** Every setting as text (defaults included), such that {@code fromMap(toMap())} equals this config. */
    public Map<String, String> toMap() {
        Map<String, String> map = new TreeMap<>();
        for (Setting<?> setting : Settings.all()) {
            String text = format(setting);
            if (text != null) {
                map.put(setting.key(), text);
            }
        }
        return map;
    }

    private <T> String format(Setting<T> setting) {
        T value = get(setting);
        return value == null ? null : setting.format(value);
    }

    /** The value of any setting; {@code null} for an optional setting left unset. */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        return (T) values.get(setting);
    }

    public List<PortSpec> ports() {
        return ports;
    }

    public String host() {
        return get(Settings.HOST);
    }

    public int maxServers() {
        return get(Settings.MAX_SERVERS);
    }

    /** Connections per worker before it is replaced; 0 means unlimited. */
    public int maxRequests() {
        return get(Settings.MAX_REQUESTS);
    }

    /** The most a worker's own limit exceeds max_requests (drawn anew for every worker). */
    public int maxRequestsJitter() {
        return get(Settings.MAX_REQUESTS_JITTER);
    }

    public Serialize serialize() {
        return get(Settings.SERIALIZE);
    }

    public Handoff handoff() {
        return get(Settings.HANDOFF);
    }

    public DescriptorTransfer descriptorTransfer() {
        return get(Settings.DESCRIPTOR_TRANSFER);
    }

    /** The configured lock file; empty means a generated one. */
    public Optional<Path> lockFile() {
        return Optional.ofNullable(get(Settings.LOCK_FILE));
    }

    public int checkForDead() {
        return get(Settings.CHECK_FOR_DEAD);
    }

    public int listen() {
        return get(Settings.LISTEN);
    }

    public int gracefulShutdownTimeout() {
        return get(Settings.GRACEFUL_SHUTDOWN_TIMEOUT);
    }

    /** Seconds a stopping pool keeps serving while it tells balancers it drains; 0 stops at once. */
    public int drainTimeout() {
        return get(Settings.DRAIN_TIMEOUT);
    }

    public ProxyProtocol proxyProtocol() {
        return get(Settings.PROXY_PROTOCOL);
    }

    public Optional<Path> javaHome() {
        return Optional.ofNullable(get(Settings.JAVA_HOME));
    }

    public List<String> workerJvmOptions() {
        return get(Settings.WORKER_JVM_OPTIONS);
    }

    public Optional<Path> runtimeDir() {
        return Optional.ofNullable(get(Settings.RUNTIME_DIR));
    }

    public boolean workerCds() {
        return get(Settings.WORKER_CDS);
    }

    public String name() {
        return get(Settings.NAME);
    }

    /** Where the supervisor serves /status and /health; empty when off. */
    public Optional<PortSpec> statusPort() {
        return Optional.ofNullable(get(Settings.STATUS_PORT));
    }

    /** Where the supervisor answers HAProxy's agent-check; empty when off. */
    public Optional<PortSpec> agentPort() {
        return Optional.ofNullable(get(Settings.AGENT_PORT));
    }

    /** Seconds between the adapter's readings of the live-changeable settings; 0 when it does not read them again. */
    public int configRefresh() {
        return get(Settings.CONFIG_REFRESH);
    }

    /** Workers that may be starting at once: as set, else twice the CPUs this JVM may use. */
    public int maxStarting() {
        Integer set = get(Settings.MAX_STARTING);
        return set != null ? set : Math.min(MAX_SERVERS_LIMIT, 2 * Runtime.getRuntime().availableProcessors());
    }

    /**
     * Whether a pool starts its first worker alone before the others: the default pacing (no max_starting
     * given). Starting alone, the first worker accepts after one JVM's start instead of
     * sharing the processors with max_starting others; a max_starting given keeps its exact meaning.
     */
    public boolean firstWorkerAlone() {
        return get(Settings.MAX_STARTING) == null;
    }

    /** Seconds from a worker's spawn to its accept loop before it is killed; 0 for no limit. */
    public int workerBootTimeout() {
        return get(Settings.WORKER_BOOT_TIMEOUT);
    }

    /** Megabytes of RSS past which a worker is retired; 0 for no limit. */
    public int maxWorkerRss() {
        return get(Settings.MAX_WORKER_RSS);
    }

    /** Seconds after which a worker is retired; 0 for no limit. */
    public int maxWorkerAge() {
        return get(Settings.MAX_WORKER_AGE);
    }

    /** Seconds one read may wait for the client; 0 for ever. */
    public int idleTimeout() {
        return get(Settings.IDLE_TIMEOUT);
    }

    /** Seconds a handler may run before its connection is cut off; 0 for ever. */
    public int requestTimeout() {
        return get(Settings.REQUEST_TIMEOUT);
    }

    /** Seconds after which a running handler is logged with its stack; 0 for never. */
    public int slowThreshold() {
        return get(Settings.SLOW_THRESHOLD);
    }

    /** Connections in service or waiting for their first bytes in this JVM at once; 0 for one per worker. */
    public int maxClients() {
        return get(Settings.MAX_CLIENTS);
    }

    /** When a connection reaches the handler: at once, or once the client has sent something. */
    public DeliverOn deliverOn() {
        return get(Settings.DELIVER_ON);
    }

    /** Seconds a connection may wait for its first bytes before it is closed; 0 for ever. */
    public int firstByteTimeout() {
        return get(Settings.FIRST_BYTE_TIMEOUT);
    }

    /** Seconds a connection may wait for a slot at {@code max_clients} before it reads the busy line; 0 for ever. */
    public int maxWait() {
        return get(Settings.MAX_WAIT);
    }

    /** Who the pool serves: Net::Server's allow/deny rules or Net::Daemon's clients list. */
    public AccessRules accessRules() {
        return accessRules;
    }

    /** The line a refused client reads before its connection closes; empty for none. */
    public String denyMessage() {
        return get(Settings.DENY_MESSAGE);
    }

    /** The line a client turned away for want of room reads, {@code {reason}} standing for why. */
    public String busyMessage() {
        return get(Settings.BUSY_MESSAGE);
    }

    /** The access settings that were given, by key (blank ones left out), as the workers are told them. */
    public Map<String, String> accessSettings() {
        Map<String, String> given = new TreeMap<>();
        for (String key : ACCESS_KEYS) {
            Object setting = get(Settings.byKey(key));
            String value = setting instanceof ProxyProtocol proxy ? (proxy == ProxyProtocol.OFF ? "" : proxy.key()) : (String) setting;
            if (!value.isBlank()) {
                given.put(key, value);
            }
        }
        return given;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EngineConfig that && toMap().equals(that.toMap());
    }

    @Override
    public int hashCode() {
        return toMap().hashCode();
    }

    @Override
    public String toString() {
        return "EngineConfig" + toMap();
    }

    /** Collects settings as text; {@link #build()} validates them all. */
    public static final class Builder {
        private final Map<String, String> values = new LinkedHashMap<>();

        private Builder() {
        }

        /** Sets any setting by its key; {@code null} restores the default. */
        public Builder set(String key, String value) {
            if (value == null) {
                values.remove(key);
            } else {
                values.put(key, value);
            }
            return this;
        }

        public Builder ports(String... ports) {
            return set(PORT, String.join(",", Arrays.asList(ports)));
        }

        public Builder maxServers(int maxServers) {
            return set(MAX_SERVERS, Integer.toString(maxServers));
        }

        public Builder maxRequests(int maxRequests) {
            return set(MAX_REQUESTS, Integer.toString(maxRequests));
        }

        public Builder serialize(Serialize serialize) {
            return set(SERIALIZE, serialize.key());
        }

        public Builder handoff(Handoff handoff) {
            return set(HANDOFF, handoff.key());
        }

        public Builder descriptorTransfer(DescriptorTransfer transfer) {
            return set(DESCRIPTOR_TRANSFER, transfer.key());
        }

        public Builder lockFile(Path lockFile) {
            return set(LOCK_FILE, lockFile == null ? null : lockFile.toString());
        }

        public Builder maxStarting(int workers) {
            return set(MAX_STARTING, Integer.toString(workers));
        }

        public Builder workerBootTimeout(int seconds) {
            return set(WORKER_BOOT_TIMEOUT, Integer.toString(seconds));
        }

        public Builder checkForDead(int seconds) {
            return set(CHECK_FOR_DEAD, Integer.toString(seconds));
        }

        public Builder gracefulShutdownTimeout(int seconds) {
            return set(GRACEFUL_SHUTDOWN_TIMEOUT, Integer.toString(seconds));
        }

        public Builder javaHome(Path javaHome) {
            return set(JAVA_HOME, javaHome == null ? null : javaHome.toString());
        }

        public Builder name(String name) {
            return set(NAME, name);
        }

        public EngineConfig build() {
            return new EngineConfig(values);
        }
    }
}
