package dev.prefork.engine.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The settings of one pre-forking pool: immutable and validated. Keys and defaults follow Net::Server's
 * PreForkSimple where it has the setting ({@code port}, {@code host}, {@code max_servers},
 * {@code max_requests}, {@code serialize}, {@code lock_file}, {@code check_for_dead}, {@code listen});
 * the rest are ours and are described in {@link #DESCRIPTIONS}.
 *
 * <p>Every value is parsed from text, so one path serves a properties file, a command line, MicroProfile
 * Config and an activation spec alike; a bad value fails with a {@link ConfigException} that names the
 * key, the value and what is allowed.
 */
public final class EngineConfig {

    public static final String PORT = "port";
    public static final String HOST = "host";
    public static final String MAX_SERVERS = "max_servers";
    public static final String MAX_REQUESTS = "max_requests";
    public static final String MAX_REQUESTS_JITTER = "max_requests_jitter";
    public static final String SERIALIZE = "serialize";
    public static final String HANDOFF = "handoff";
    public static final String LOCK_FILE = "lock_file";
    public static final String CHECK_FOR_DEAD = "check_for_dead";
    public static final String LISTEN = "listen";
    public static final String GRACEFUL_SHUTDOWN_TIMEOUT = "graceful_shutdown_timeout";
    public static final String JAVA_HOME = "java_home";
    public static final String WORKER_JVM_OPTIONS = "worker_jvm_options";
    public static final String RUNTIME_DIR = "runtime_dir";
    public static final String WORKER_CDS = "worker_cds";
    public static final String NAME = "name";
    public static final String STATUS_PORT = "status_port";
    public static final String AGENT_PORT = "agent_port";
    public static final String CONFIG_REFRESH = "config_refresh";

    /** Where status_port and agent_port bind when only a port number is given: they reveal client addresses. */
    public static final String STATUS_DEFAULT_HOST = "127.0.0.1";

    public static final int MAX_SERVERS_LIMIT = 1024;

    /**
     * JVM flags for workers, measured to start fastest and smallest on a 2-core machine: C1 only, serial
     * GC, a small heap and code cache; and class-data-sharing archives mapped at their preferred address
     * rather than a random one (ArchiveRelocationMode=0, the JDK's default before 20), because relocating
     * an archive writes into its pages and makes them private to each worker (measured on JDK 25 with the
     * workers' archive: PSS 28 → 16 MB, start-up CPU 110 → 70 ms per worker); no hsperfdata file
     * (-XX:-UsePerfData: ~2 MB less PSS per worker, no CPU cost measured); and the C1 compiler's arena
     * memory handed back to the system every second (TrimNativeHeapInterval: a descriptor-passing worker
     * kept ~10 MB of freed compiler arenas after warming up, PSS 31 → 21 MB).
     */
    public static final String DEFAULT_WORKER_JVM_OPTIONS =
            "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx16m -Xss256k -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m"
                    + " -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:-UsePerfData -XX:TrimNativeHeapInterval=1000";

    /** Every key with its default ("" where there is none) and what it means, in documentation order. */
    public static final Map<String, String[]> DESCRIPTIONS;

    static {
        Map<String, String[]> d = new LinkedHashMap<>();
        d.put(PORT, new String[] {"20203", "where to listen, Net::Server syntax: 20204, localhost:20204, [::1]:20204, /path/to.sock; several separated by commas, each with a pool of its own"});
        d.put(HOST, new String[] {"*", "the address a bare port number binds; * is every IPv4 and IPv6 address"});
        d.put(MAX_SERVERS, new String[] {"50", "worker processes kept running (per port), 1 to " + MAX_SERVERS_LIMIT});
        d.put(MAX_REQUESTS, new String[] {"100000", "connections a worker serves before it exits and is replaced; 0 is unlimited (Net::Server's default is 1000, but replacing a JVM worker costs ~0.3 s of CPU under load, against ~0.1 ms per connection: 1000 cost the pool 75% of its throughput, 10000 about 20%, 100000 about 2%; a worker runs only the engine's code, the handlers run in this JVM)"});
        d.put(MAX_REQUESTS_JITTER, new String[] {"", "each worker serves max_requests plus a random 0 to this many connections, so that workers started together do not all leave together (as gunicorn's setting); by default half of max_requests"});
        d.put(SERIALIZE, new String[] {"flock", "how workers take turns in accept(): flock, semaphore, pipe or none"});
        d.put(HANDOFF, new String[] {"auto", "how a worker hands an accepted connection to this JVM: descriptor (the socket itself, passed over a Unix socket; needs JDK 22+ here), relay (the worker copies bytes both ways), or auto (descriptor where this JVM can, else relay)"});
        d.put(LOCK_FILE, new String[] {"", "the lock file for serialize flock; by default a generated file, removed at stop"});
        d.put(CHECK_FOR_DEAD, new String[] {"30", "seconds between checks for workers that died without being noticed"});
        d.put(LISTEN, new String[] {"1024", "the listen backlog of each port"});
        d.put(GRACEFUL_SHUTDOWN_TIMEOUT, new String[] {"10", "seconds a stopping worker may finish its current connection before it is killed"});
        d.put(JAVA_HOME, new String[] {"", "the JDK 22+ that runs the supervisor and workers; by default the current java.home when it qualifies"});
        d.put(WORKER_JVM_OPTIONS, new String[] {DEFAULT_WORKER_JVM_OPTIONS, "JVM options of every worker process, separated by spaces"});
        d.put(WORKER_CDS, new String[] {"true", "share the classes of every worker through a class-data-sharing archive made by the first worker that exits (faster, smaller workers): true or false"});
        d.put(RUNTIME_DIR, new String[] {"", "where the private directory with the bridge socket is made; by default java.io.tmpdir"});
        d.put(NAME, new String[] {"prefork", "a name for this pool in logs and process listings (letters, digits, . _ -)"});
        d.put(STATUS_PORT, new String[] {"", "where the supervisor answers HTTP GET /status (text, ?json, ?openmetrics, ?html; ?full adds every worker) and /health, even while every worker is busy: a port number (binds 127.0.0.1) or host:port (* for every address; the page shows client addresses, so bind wider only on purpose); TCP only; off by default"});
        d.put(AGENT_PORT, new String[] {"", "where the supervisor answers HAProxy's agent-check: one line (ready N% with N the share of idle workers, drain, or maint) per connection; a port number (binds 127.0.0.1) or host:port; off by default"});
        d.put(CONFIG_REFRESH, new String[] {"5", "seconds between two readings, by the resource adapter, of the settings a running pool takes (max_servers, max_requests, max_requests_jitter, graceful_shutdown_timeout) from MicroProfile Config and its config properties; a change applies at once, any other changed setting is logged as applying at the next activation; 0 turns it off (the standalone launcher reads its conf_file again on SIGHUP instead)"});
        DESCRIPTIONS = Collections.unmodifiableMap(d);
    }

    private final List<PortSpec> ports;
    private final String host;
    private final int maxServers;
    private final int maxRequests;
    private final int maxRequestsJitter;
    private final Serialize serialize;
    private final Handoff handoff;
    private final Path lockFile;
    private final int checkForDead;
    private final int listen;
    private final int gracefulShutdownTimeout;
    private final Path javaHome;
    private final List<String> workerJvmOptions;
    private final Path runtimeDir;
    private final boolean workerCds;
    private final String name;
    private final PortSpec statusPort;
    private final PortSpec agentPort;
    private final int configRefresh;

    private EngineConfig(Map<String, String> values) {
        for (String key : values.keySet()) {
            if (!DESCRIPTIONS.containsKey(key)) {
                throw new ConfigException(key, values.get(key), "unknown setting; known settings are " + DESCRIPTIONS.keySet());
            }
        }
        host = text(values, HOST);
        List<PortSpec> parsed = new ArrayList<>();
        for (String one : text(values, PORT).split(",")) {
            if (one.isBlank()) {
                throw new ConfigException(PORT, values.get(PORT), "must name at least one port; separate several with commas");
            }
            PortSpec spec = PortSpec.parse(one, host);
            if (parsed.contains(spec) && spec.port() != 0) {
                throw new ConfigException(PORT, values.get(PORT), "names " + spec + " twice");
            }
            parsed.add(spec);
        }
        ports = List.copyOf(parsed);
        maxServers = integer(values, MAX_SERVERS, 1, MAX_SERVERS_LIMIT);
        maxRequests = integer(values, MAX_REQUESTS, 0, Integer.MAX_VALUE);
        maxRequestsJitter = text(values, MAX_REQUESTS_JITTER).isBlank()
                ? maxRequests / 2
                : integer(values, MAX_REQUESTS_JITTER, 0, Integer.MAX_VALUE - maxRequests);
        serialize = choice(SERIALIZE, text(values, SERIALIZE), Serialize.values());
        handoff = choice(HANDOFF, text(values, HANDOFF), Handoff.values());
        lockFile = absolutePath(values, LOCK_FILE);
        checkForDead = integer(values, CHECK_FOR_DEAD, 1, 86_400);
        listen = integer(values, LISTEN, 1, 65_535);
        gracefulShutdownTimeout = integer(values, GRACEFUL_SHUTDOWN_TIMEOUT, 0, 3_600);
        javaHome = absolutePath(values, JAVA_HOME);
        String options = text(values, WORKER_JVM_OPTIONS).trim();
        workerJvmOptions = options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
        runtimeDir = absolutePath(values, RUNTIME_DIR);
        workerCds = bool(values, WORKER_CDS);
        name = text(values, NAME);
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ConfigException(NAME, name, "must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        statusPort = tcpListener(values, STATUS_PORT);
        agentPort = tcpListener(values, AGENT_PORT);
        configRefresh = integer(values, CONFIG_REFRESH, 0, 86_400);
        if (statusPort != null && statusPort.equals(agentPort) && statusPort.port() != 0) {
            throw new ConfigException(AGENT_PORT, values.get(AGENT_PORT), "is the same as status_port; give each its own port");
        }
    }

    /**
     * An optional TCP address of one of the supervisor's own listeners: empty means off, a bare port
     * binds {@link #STATUS_DEFAULT_HOST}. A UNIX socket path is refused: the JDK's HttpServer binds
     * only TCP addresses.
     */
    private static PortSpec tcpListener(Map<String, String> values, String key) {
        String value = text(values, key).trim();
        if (value.isEmpty()) {
            return null;
        }
        if (value.startsWith("/")) {
            throw new ConfigException(key, value, "must be a port number or host:port; a UNIX socket path is not supported"
                    + " (the JDK's HttpServer binds TCP addresses only)");
        }
        try {
            return PortSpec.parse(value, STATUS_DEFAULT_HOST);
        } catch (ConfigException e) {
            throw new ConfigException(key, value, "must be a port number from 0 to 65535, or host:port (localhost:9100, [::1]:9100, *:9100)");
        }
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
        map.put(PORT, String.join(",", ports.stream().map(PortSpec::toString).toList()));
        map.put(HOST, host);
        map.put(MAX_SERVERS, Integer.toString(maxServers));
        map.put(MAX_REQUESTS, Integer.toString(maxRequests));
        map.put(MAX_REQUESTS_JITTER, Integer.toString(maxRequestsJitter));
        map.put(SERIALIZE, serialize.key());
        map.put(HANDOFF, handoff.key());
        if (lockFile != null) {
            map.put(LOCK_FILE, lockFile.toString());
        }
        map.put(CHECK_FOR_DEAD, Integer.toString(checkForDead));
        map.put(LISTEN, Integer.toString(listen));
        map.put(GRACEFUL_SHUTDOWN_TIMEOUT, Integer.toString(gracefulShutdownTimeout));
        if (javaHome != null) {
            map.put(JAVA_HOME, javaHome.toString());
        }
        map.put(WORKER_JVM_OPTIONS, String.join(" ", workerJvmOptions));
        if (runtimeDir != null) {
            map.put(RUNTIME_DIR, runtimeDir.toString());
        }
        map.put(WORKER_CDS, Boolean.toString(workerCds));
        map.put(NAME, name);
        if (statusPort != null) {
            map.put(STATUS_PORT, statusPort.toString());
        }
        if (agentPort != null) {
            map.put(AGENT_PORT, agentPort.toString());
        }
        map.put(CONFIG_REFRESH, Integer.toString(configRefresh));
        return map;
    }

    private static String text(Map<String, String> values, String key) {
        String value = values.get(key);
        return value == null ? DESCRIPTIONS.get(key)[0] : value;
    }

    private static int integer(Map<String, String> values, String key, int min, int max) {
        String value = text(values, key).trim();
        String allowed = max == Integer.MAX_VALUE
                ? "must be a whole number, " + min + " or more"
                : "must be a whole number from " + min + " to " + max;
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, values.get(key), allowed);
        }
        if (parsed < min || parsed > max) {
            throw new ConfigException(key, values.get(key), allowed);
        }
        return (int) parsed;
    }

    private static boolean bool(Map<String, String> values, String key) {
        String value = text(values, key).trim();
        if (value.equalsIgnoreCase("true") || value.equals("1")) {
            return true;
        }
        if (value.equalsIgnoreCase("false") || value.equals("0")) {
            return false;
        }
        throw new ConfigException(key, values.get(key), "must be true or false");
    }

    /** The option named {@code value} (its name in any case, spaces around it ignored). */
    private static <E extends Enum<E>> E choice(String key, String value, E[] options) {
        for (E option : options) {
            if (option.name().equalsIgnoreCase(value.trim())) {
                return option;
            }
        }
        List<String> names = new ArrayList<>();
        for (E option : options) {
            names.add(option.name().toLowerCase(Locale.ROOT));
        }
        throw new ConfigException(key, value, "must be one of " + String.join(", ", names));
    }

    private static Path absolutePath(Map<String, String> values, String key) {
        String value = text(values, key).trim();
        if (value.isEmpty()) {
            return null;
        }
        if (!value.startsWith("/")) {
            throw new ConfigException(key, value, "must be an absolute path");
        }
        return Path.of(value);
    }

    public List<PortSpec> ports() {
        return ports;
    }

    public String host() {
        return host;
    }

    public int maxServers() {
        return maxServers;
    }

    /** Connections per worker before it is replaced; 0 means unlimited. */
    public int maxRequests() {
        return maxRequests;
    }

    /** The most a worker's own limit exceeds max_requests (drawn anew for every worker). */
    public int maxRequestsJitter() {
        return maxRequestsJitter;
    }

    public Serialize serialize() {
        return serialize;
    }

    public Handoff handoff() {
        return handoff;
    }

    /** The configured lock file; empty means a generated one. */
    public Optional<Path> lockFile() {
        return Optional.ofNullable(lockFile);
    }

    public int checkForDead() {
        return checkForDead;
    }

    public int listen() {
        return listen;
    }

    public int gracefulShutdownTimeout() {
        return gracefulShutdownTimeout;
    }

    public Optional<Path> javaHome() {
        return Optional.ofNullable(javaHome);
    }

    public List<String> workerJvmOptions() {
        return workerJvmOptions;
    }

    public Optional<Path> runtimeDir() {
        return Optional.ofNullable(runtimeDir);
    }

    public boolean workerCds() {
        return workerCds;
    }

    public String name() {
        return name;
    }

    /** Where the supervisor serves /status and /health; empty when off. */
    public Optional<PortSpec> statusPort() {
        return Optional.ofNullable(statusPort);
    }

    /** Where the supervisor answers HAProxy's agent-check; empty when off. */
    public Optional<PortSpec> agentPort() {
        return Optional.ofNullable(agentPort);
    }

    /** Seconds between the adapter's readings of the live-changeable settings; 0 when it does not read them again. */
    public int configRefresh() {
        return configRefresh;
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

        public Builder lockFile(Path lockFile) {
            return set(LOCK_FILE, lockFile == null ? null : lockFile.toString());
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
