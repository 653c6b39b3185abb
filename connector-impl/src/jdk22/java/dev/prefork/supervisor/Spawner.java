package dev.prefork.supervisor;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.DescriptorTransfer;
import dev.prefork.engine.config.Handoff;
import dev.prefork.engine.config.Serialize;
import dev.prefork.engine.launch.JavaHomes;
import dev.prefork.engine.protocol.SupervisorProtocol;
import dev.prefork.engine.protocol.WorkerEnvironment;
import dev.prefork.posix.Posix;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Starts worker JVMs with {@code posix_spawn}: the pool's listening socket becomes the worker's
 * standard input, its standard output and error go to our standard error (the log), every other
 * descriptor is closed, and the signal mask and dispositions are reset.
 */
final class Spawner {
    /**
     * The selector provider a Linux JDK finds by itself, named so that a worker does not look for it through the
     * service loader (see {@link #jvmOptions}); null if this JDK (the workers' too) has no such class, and then
     * the workers look it up as usual.
     */
    private static final String SELECTOR_PROVIDER = linuxSelectorProvider();
    private final String java;
    private final List<String> jvmOptions;
    private final List<String> programArguments;
    private final WorkerArchive archive;
    private final Map<String, String> baseEnvironment;
    private final LiveLimits limits;

    /** {@code workerOptions} is {@link #jvmOptions}{@code (config)}, the list {@code archive} is keyed by. */
    Spawner(EngineConfig config, List<String> workerOptions, LiveLimits limits, String secretHex, Path bridgeSocket,
            Path supervisorSocket, Path scoreboard, WorkerArchive archive) {
        this.java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> options = new ArrayList<>(workerOptions);
        options.add("-Dprefork.worker=" + config.name()); // names the pool in ps; not part of the archive's key
        this.jvmOptions = List.copyOf(options);
        this.programArguments = List.of("-cp", System.getProperty("java.class.path"), SupervisorProtocol.WORKER_MAIN);
        this.archive = archive;
        this.limits = limits;

        Map<String, String> env = new TreeMap<>(System.getenv());
        env.keySet().removeIf(key -> key.startsWith("PREFORK_"));
        env.put(WorkerEnvironment.NAME, config.name());
        env.put(WorkerEnvironment.SECRET, secretHex);
        env.put(WorkerEnvironment.BRIDGE_SOCKET, bridgeSocket.toString());
        env.put(WorkerEnvironment.SUPERVISOR_SOCKET, supervisorSocket.toString());
        env.put(WorkerEnvironment.SCOREBOARD, scoreboard.toString());
        env.put(WorkerEnvironment.SERIALIZE, config.serialize().key());
        env.put(WorkerEnvironment.HANDOFF, config.handoff().key());
        env.put(WorkerEnvironment.DESCRIPTOR_TRANSFER, config.descriptorTransfer().key());
        for (Map.Entry<String, String> access : config.accessSettings().entrySet()) {
            env.put(WorkerEnvironment.ACCESS_PREFIX + access.getKey().toUpperCase(Locale.ROOT), access.getValue());
        }
        this.baseEnvironment = env;
    }

    /**
     * The JVM options every worker of {@code config} starts with: the user's, and native access where a
     * worker makes native calls. The class-data-sharing archive is keyed by them:
     * an archive dumped with other options would be refused or half used, with an error in the log.
     */
    static List<String> jvmOptions(EngineConfig config) {
        // First, so that worker_jvm_options can override them: what the JDK does reflectively when a worker maps
        // the scoreboard and takes its inherited socket. With method-handle reflection (the JDK's default since 18)
        // each of those first calls generates method-handle classes, and a cold worker pays for generating them;
        // the native accessors and a named selector provider skip that: 30-40 ms less CPU per worker start, compiled
        // or interpreted (docs/benchmarks/ANALYSIS.md, "Issue 13, fifth pass").
        List<String> options = new ArrayList<>(List.of("-Djdk.reflect.useNativeAccessorOnly=true"));
        if (SELECTOR_PROVIDER != null) {
            options.add("-Djava.nio.channels.spi.SelectorProvider=" + SELECTOR_PROVIDER);
        }
        options.addAll(config.workerJvmOptions());
        boolean pidfd = config.handoff() == Handoff.DESCRIPTOR && config.descriptorTransfer() == DescriptorTransfer.PIDFD;
        if (config.serialize() == Serialize.SEMAPHORE || (config.handoff() == Handoff.DESCRIPTOR && !pidfd)) {
            // semop and sending a descriptor in a message bind a few native calls; a pidfd worker makes none.
            options.add(workerNativeAccessOption(Runtime.version().feature()));
        }
        if (pidfd) {
            // The worker names its socket's descriptor number, which only sun.nio.ch tells (ChannelDescriptors).
            options.add("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
        }
        return List.copyOf(options);
    }

    /**
     * Native access for a worker on a JDK of {@code feature} (workers run on this supervisor's JDK). From JDK 25
     * the named form: the workers' AOT cache ({@link WorkerArchive.Format#AOT_CACHE}), made with it, keeps the
     * archived module graph, which {@code --illegal-native-access=allow} makes the JVM give up. Before that,
     * the supervisor's choice ({@link JavaHomes#nativeAccessOption}), which a dynamic archive needs.
     */
    static String workerNativeAccessOption(int feature) {
        return WorkerArchive.Format.forJdk(feature) == WorkerArchive.Format.AOT_CACHE
                ? "--enable-native-access=ALL-UNNAMED" : JavaHomes.nativeAccessOption(feature);
    }

    private static String linuxSelectorProvider() {
        String name = "sun.nio.ch.EPollSelectorProvider";
        try {
            Class.forName(name, false, ClassLoader.getPlatformClassLoader());
            return name;
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** Spawns one worker for {@code pool} in {@code slot} that serves {@code maxRequests} connections (0: no limit); returns its pid. */
    long spawn(Pool pool, int slot, int maxRequests) {
        Map<String, String> env = new TreeMap<>(baseEnvironment);
        env.put(WorkerEnvironment.SLOT, Integer.toString(slot));
        env.put(WorkerEnvironment.MAX_REQUESTS, Integer.toString(maxRequests));
        env.put(WorkerEnvironment.GRACE_SECONDS, Integer.toString(limits.gracefulShutdownTimeout()));
        env.put(WorkerEnvironment.PORT_INDEX, Integer.toString(pool.index));
        env.put(WorkerEnvironment.ACCEPT_LOCK, pool.turn.workerArgument());
        List<String> archiveOptions = archive.optionsForNextSpawn();
        if (archive.startsAChildAtExit(archiveOptions)) {
            env.put(WorkerEnvironment.RELEASE_LISTENER_AT_EXIT, "1");
        }
        String[] envp = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        List<String> argv = new ArrayList<>();
        argv.add(java);
        argv.addAll(jvmOptions);
        argv.addAll(archiveOptions);
        argv.addAll(programArguments);
        long pid = Posix.spawn(argv.toArray(String[]::new), envp, new int[] {pool.socket.fd(), 0, 2, 1}, 3);
        archive.spawned(pid, archiveOptions);
        return pid;
    }

    LiveLimits limits() {
        return limits;
    }

    /** Tells the archive that a child is gone (the first worker's exit may produce the archive). */
    void exited(long pid, boolean cleanly) {
        archive.exited(pid, cleanly);
    }

    void close() {
        archive.discardPending();
    }
}
