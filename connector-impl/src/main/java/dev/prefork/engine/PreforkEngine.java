package dev.prefork.engine;

import dev.prefork.bridge.BusyMessage;
import dev.prefork.bridge.ClientFigures;
import dev.prefork.bridge.ClientLimits;
import dev.prefork.bridge.ConnectionHandler;
import dev.prefork.bridge.ConnectionTimeouts;
import dev.prefork.bridge.Receiver;
import dev.prefork.bridge.TimeoutWatch;
import dev.prefork.bridge.relay.RelayReceiver;
import dev.prefork.bridge.DescriptorReceivers;
import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.DeliverOn;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.DescriptorTransfer;
import dev.prefork.engine.config.Handoff;
import dev.prefork.engine.config.PortSpec;
import dev.prefork.engine.config.Settings;
import dev.prefork.engine.launch.CacheDirectory;
import dev.prefork.engine.launch.JavaHomes;
import dev.prefork.engine.launch.ProcessJar;
import dev.prefork.engine.launch.RuntimeDirectory;
import dev.prefork.engine.launch.SupervisorProcess;
import dev.prefork.engine.management.PoolManagement;
import dev.prefork.engine.protocol.SupervisorProtocol;

import javax.management.ObjectName;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A running pre-forking pool: a supervisor process that owns the listening sockets and keeps
 * {@code max_servers} worker processes accepting on them, each of which relays every client connection
 * it accepts to this JVM, where the {@link ConnectionHandler} serves it.
 *
 * <pre>{@code
 * try (PreforkEngine engine = PreforkEngine.start(
 *         EngineConfig.builder().ports("localhost:20204").maxServers(4).build(),
 *         connection -> connection.getInputStream().transferTo(connection.getOutputStream()))) {
 *     engine.awaitAccepting(Duration.ofSeconds(10));
 *     ...
 * }
 * }</pre>
 *
 * <p>This class and everything it starts in this JVM use JDK 17 APIs only: it loads inside
 * application servers that run on 17. The supervisor and worker programs run on the JDK that
 * {@code java_home} names (22 or newer).
 */
public final class PreforkEngine implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PreforkEngine.class.getName());
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SNAPSHOT_TIMEOUT = Duration.ofSeconds(10);
    /** How soon a drain_timeout window notices that it was cut short. */
    private static final Duration DRAIN_SLICE = Duration.ofMillis(200);

    private final EngineConfig config;
    private final RuntimeDirectory runtimeDirectory;
    private final Receiver bridge;
    private final SupervisorKeeper supervisors;
    private final List<String> boundAddresses;
    private final ExecutorService ownExecutor;
    /** What was retuned since the start, for a supervisor that replaces a dead one. */
    private final RetunedSettings retuned;
    /** How many worker links the bridge takes: follows resize, addWorkers and removeWorkers. */
    private final LinkBound linkBound;
    /** Applies idle_timeout, request_timeout and slow_threshold. */
    private final TimeoutWatch timeoutWatch;
    private final ClientFiguresPublisher clientFigures;
    private boolean stopped;
    /** Opened when the first stop is done: a stop called meanwhile on another thread waits for it. */
    private final CountDownLatch stopDone = new CountDownLatch(1);
    /** Set by {@link #stopWithoutDrain()}: a drain_timeout window in progress ends at once. */
    private volatile boolean drainCutShort;
    /** Its MXBean's name while registered; null when JMX refused it. */
    private volatile ObjectName managementName;

    private PreforkEngine(EngineConfig config, RuntimeDirectory runtimeDirectory, Receiver bridge,
                          SupervisorKeeper supervisors, List<String> boundAddresses, ExecutorService ownExecutor,
                          RetunedSettings retuned, LinkBound linkBound) {
        this.config = config;
        this.runtimeDirectory = runtimeDirectory;
        this.bridge = bridge;
        this.supervisors = supervisors;
        this.boundAddresses = boundAddresses;
        this.ownExecutor = ownExecutor;
        this.retuned = retuned;
        this.linkBound = linkBound;
        this.timeoutWatch = TimeoutWatch.start(bridge.connections(),
                ConnectionTimeouts.ofSeconds(config.idleTimeout(), config.requestTimeout(), config.slowThreshold()), config.name());
        this.clientFigures = new ClientFiguresPublisher(bridge, runtimeDirectory.resolve("scoreboard"), supervisors::current,
                config.name());
    }

    /** Starts a pool whose handlers run on threads of the engine's own, bounded by the pool's size. */
    public static PreforkEngine start(EngineConfig config, ConnectionHandler handler) throws EngineException {
        ThreadPoolExecutor executor = handlerThreads(config);
        try {
            return start(config, handler, executor, executor);
        } catch (EngineException | RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
    }

    /**
     * Starts a pool whose handlers run on {@code executor} (an application server's WorkManager, say).
     * It should be able to run one handler per worker at once; a connection it rejects is closed. A
     * {@link LinkExecutor} is asked for one thread per worker instead, on which that worker's
     * connections are served one after another (with {@code handoff descriptor}).
     *
     * @throws ConfigException when a setting is unusable (names the key, the value and what to do)
     * @throws EngineException when the pool could not start (a port in use, the supervisor failed)
     */
    public static PreforkEngine start(EngineConfig config, ConnectionHandler handler, Executor executor)
            throws EngineException {
        return start(config, handler, executor, null);
    }

    private static PreforkEngine start(EngineConfig config, ConnectionHandler handler, Executor executor,
                                       ExecutorService ownExecutor) throws EngineException {
        Path java = JavaHomes.javaLauncher(config);
        config.lockFile().ifPresent(PreforkEngine::checkLockFile);
        Path base = config.runtimeDir().orElse(Path.of(System.getProperty("java.io.tmpdir")));
        RuntimeDirectory dir;
        try {
            dir = RuntimeDirectory.create(base, config.name());
        } catch (IOException e) {
            throw new ConfigException(EngineConfig.RUNTIME_DIR, config.runtimeDir().map(Path::toString).orElse(""),
                    "cannot create the engine's private directory there (" + e + "); set runtime_dir to a writable directory");
        }
        Receiver bridge = null;
        SupervisorProcess supervisor = null;
        try {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            CacheDirectory cache = cacheDirectory(config, base, dir);
            Path jar = ProcessJar.locate(cache);
            Path bridgeSocket = dir.resolve("bridge.sock");
            // With one client per worker, the engine's own pool runs each handler on its worker link's thread:
            // no second hop. With max_clients the link only receives, and handlers need threads of their own.
            boolean inline = ownExecutor != null && !clientLimits(config).decoupled();
            LinkBound linkBound = new LinkBound(config.maxServers(), config.ports().size());
            bridge = openBridge(config, jar, bridgeSocket, secret, handler, inline ? null : executor, executor,
                    linkBound);
            bridge.connections().useBusyMessage(new BusyMessage(config.busyMessage()));
            Handoff handoff = bridge instanceof RelayReceiver ? Handoff.RELAY : Handoff.DESCRIPTOR;
            // What the bridge decided (auto resolved), so that the supervisor tells the workers the same.
            DescriptorTransfer transfer = bridge.descriptorTransfer() != null ? bridge.descriptorTransfer() : DescriptorTransfer.MESSAGE;
            EngineConfig running = config.toBuilder().handoff(handoff).descriptorTransfer(transfer).build();
            supervisor = SupervisorProcess.launch(java, jar, running.name(), cache);
            List<String> addresses = setUp(supervisor, running, secret, bridge.socketPath(), dir, cache);
            LOG.info(running.name() + ": supervisor pid " + supervisor.pid() + " listening on " + addresses
                    + " with " + running.maxServers() + " workers per port, serialize " + running.serialize().key()
                    + ", handoff " + running.handoff().key()
                    + (handoff == Handoff.DESCRIPTOR ? " (descriptor transfer " + transfer.key() + ")" : "")
                    + (supervisor.statusAddress() != null ? "; status on http://" + supervisor.statusAddress() + "/status" : "")
                    + (supervisor.agentAddress() != null ? "; agent-check on " + supervisor.agentAddress() : ""));
            // A successor binds the same addresses: a port the kernel chose (0) is now the one it chose.
            EngineConfig again = running.toBuilder().ports(samePorts(running, addresses)).build();
            Path bridgeSocket0 = bridge.socketPath();
            RetunedSettings retuned = new RetunedSettings(again);
            SupervisorKeeper keeper = new SupervisorKeeper(running.name(), supervisor, dead -> {
                releaseOrphanedResources(dead.resources());
                dir.clearForSuccessor(bridgeSocket0);
                SupervisorProcess next = SupervisorProcess.launch(java, jar, again.name(), cache);
                try {
                    setUp(next, retuned.current(), secret, bridgeSocket0, dir, cache);
                    if (retuned.drained() && !next.send(SupervisorProtocol.DRAIN)) {
                        throw new IOException("the new supervisor left before it could be told to drain");
                    }
                    return next;
                } catch (Exception | Error e) {
                    next.destroyForcibly();
                    throw e;
                }
            });
            PreforkEngine engine = new PreforkEngine(running, dir, bridge, keeper, addresses, ownExecutor, retuned, linkBound);
            keeper.start();
            engine.managementName = PoolManagement.register(engine);
            return engine;
        } catch (IOException | EngineException | RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            release(supervisor, bridge, dir, 0);
            if (e instanceof EngineException engineException) {
                throw engineException;
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new EngineException(config.name() + ": could not start the pool: " + e, e);
        }
    }

    /** Hands a new supervisor its settings and waits until it serves; returns the addresses it bound. */
    private static List<String> setUp(SupervisorProcess supervisor, EngineConfig config, byte[] secret, Path bridgeSocket,
                                      RuntimeDirectory dir, CacheDirectory cache) throws EngineException, InterruptedException {
        for (Map.Entry<String, String> setting : config.toMap().entrySet()) {
            supervisor.send(SupervisorProtocol.SET + " " + setting.getKey() + " " + setting.getValue());
        }
        supervisor.send(SupervisorProtocol.SECRET + " " + HexFormat.of().formatHex(secret));
        supervisor.send(SupervisorProtocol.BRIDGE + " " + bridgeSocket);
        supervisor.send(SupervisorProtocol.RUNTIME + " " + dir.path());
        supervisor.send(SupervisorProtocol.CACHE + " " + cache.path());
        supervisor.send(SupervisorProtocol.START);
        return supervisor.awaitReady(START_TIMEOUT);
    }

    /** The {@code port} values again, with each kernel-chosen port (0) replaced by the one bound. */
    private static String[] samePorts(EngineConfig config, List<String> bound) {
        String[] ports = new String[config.ports().size()];
        for (int i = 0; i < ports.length; i++) {
            PortSpec spec = config.ports().get(i);
            String address = bound.get(i);
            ports[i] = !spec.isUnix() && spec.port() == 0
                    ? new PortSpec(spec.host(), Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)), null).toString()
                    : spec.toString();
        }
        return ports;
    }

    /**
     * The bridge {@code handoff} asks for: descriptor passing where this JVM can (handlers on
     * {@code descriptorExecutor}, or on the link threads when null), else the relay.
     */
    private static Receiver openBridge(EngineConfig config, Path jar, Path socket, byte[] secret, ConnectionHandler handler,
                                     Executor descriptorExecutor, Executor relayExecutor, LinkBound linkBound)
            throws IOException {
        if (chooseHandoff(config) == Handoff.DESCRIPTOR) {
            try {
                return DescriptorReceivers.start(jar, socket, secret, handler, descriptorExecutor, config.name(),
                        linkBound, clientLimits(config), config.descriptorTransfer(), switchesUser(config));
            } catch (IOException e) {
                if (config.handoff() == Handoff.DESCRIPTOR) {
                    throw e;
                }
                LOG.warning(config.name() + ": handoff auto: cannot take passed descriptors (" + e.getMessage()
                        + "); relaying instead");
            }
        }
        return RelayReceiver.start(socket, secret, handler, relayExecutor, config.name(), linkBound);
    }

    /** How the descriptor bridge admits clients: max_clients, deliver_on, first_byte_timeout. */
    private static ClientLimits clientLimits(EngineConfig config) {
        return new ClientLimits(config.maxClients(), config.deliverOn() == DeliverOn.FIRST_BYTE,
                TimeUnit.SECONDS.toMillis(config.firstByteTimeout()), TimeUnit.SECONDS.toMillis(config.maxWait()));
    }

    /** What {@code handoff} means in this JVM: auto becomes descriptor where it can, else relay. */
    private static Handoff chooseHandoff(EngineConfig config) {
        boolean supported = DescriptorReceivers.supported();
        switch (config.handoff()) {
            case DESCRIPTOR:
                if (!supported) {
                    throw new ConfigException(EngineConfig.HANDOFF, "descriptor",
                            DescriptorReceivers.unsupportedReason() + "; set handoff to relay or auto");
                }
                return Handoff.DESCRIPTOR;
            case RELAY:
                return Handoff.RELAY;
            default:
                return supported ? Handoff.DESCRIPTOR : Handoff.RELAY;
        }
    }

    /** The shared cache, or a private one inside the runtime directory when the shared one is unusable. */
    private static CacheDirectory cacheDirectory(EngineConfig config, Path base, RuntimeDirectory dir) throws IOException {
        if (switchesUser(config)) {
            // The supervisor hands the private directory to that user; this JVM's cache stays this user's.
            return CacheDirectory.under(dir.path());
        }
        try {
            return CacheDirectory.under(base);
        } catch (IOException e) {
            LOG.warning(config.name() + ": " + e.getMessage() + "; using a cache that lasts for this start only");
            return CacheDirectory.under(dir.path());
        }
    }

    /** Whether the supervisor becomes another user once its ports are bound (user/group). */
    private static boolean switchesUser(EngineConfig config) {
        return !config.get(Settings.USER).isEmpty() || !config.get(Settings.GROUP).isEmpty();
    }

    private static void checkLockFile(Path lockFile) {
        try (FileChannel ignored = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            // the workers will open it the same way
        } catch (IOException | SecurityException e) {
            throw new ConfigException(EngineConfig.LOCK_FILE, lockFile.toString(),
                    "cannot be opened for writing (" + e + "); name a file in a writable directory, or unset lock_file to use a generated one");
        }
    }

    private static ThreadPoolExecutor handlerThreads(EngineConfig config) {
        // One handler per worker; the pool can be resized while it runs (up to max_servers' limit), and
        // threads are made only on demand, so the bound is the largest pool rather than today's. With
        // max_clients, up to that many handlers run at once, plus one per worker already back in accept().
        int limit = 2 * EngineConfig.MAX_SERVERS_LIMIT * config.ports().size() + 8 + config.maxClients();
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(0, limit, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
            Thread thread = new Thread(task, "prefork-handler-" + config.name() + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        return executor;
    }

    /** The settings this pool runs with. */
    public EngineConfig config() {
        return config;
    }

    /**
     * The addresses really bound, one per {@code port} in order: {@code host:port}, {@code [v6]:port} or
     * {@code unix:/path}. Port 0 shows here as the port the kernel chose.
     */
    public List<String> boundAddresses() {
        return boundAddresses;
    }

    /** The TCP port really bound for the {@code index}-th {@code port}. */
    public int boundPort(int index) {
        String address = boundAddresses.get(index);
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** Where the supervisor serves {@code /status} and {@code /health} ({@code host:port} as bound); empty when off. */
    public Optional<String> statusAddress() {
        return Optional.ofNullable(supervisors.current().statusAddress());
    }

    /** Where the supervisor answers HAProxy's agent-check ({@code host:port} as bound); empty when off. */
    public Optional<String> agentAddress() {
        return Optional.ofNullable(supervisors.current().agentAddress());
    }

    /** The name of this pool's MXBean in the platform MBeanServer while it runs; empty when JMX refused it. */
    public Optional<ObjectName> managementName() {
        return Optional.ofNullable(managementName);
    }

    /** The current supervisor's pid (a new one after a restart). */
    public long supervisorPid() {
        return supervisors.current().pid();
    }

    /** True while a supervisor runs and {@link #stop()} has not been called (false while one is being restarted). */
    public synchronized boolean isRunning() {
        return !stopped && supervisors.current().isAlive();
    }

    /**
     * Why the pool is down for good, or null: set when the supervisor kept dying (see
     * {@link SupervisorKeeper}) and is no longer restarted.
     */
    public String failure() {
        return supervisors.failure();
    }

    /** Waits until every worker ({@code max_servers} per port) has reached its accept loop at least once. */
    public boolean awaitAccepting(Duration timeout) throws InterruptedException {
        return supervisors.current().awaitAccepting(config.maxServers() * config.ports().size(), timeout);
    }

    /**
     * Waits until {@code workers} workers in all (over every port) are alive and past their start-up: after
     * {@link #resize}, which returns as soon as the supervisor has the new size.
     */
    public boolean awaitAccepting(int workers, Duration timeout) throws InterruptedException {
        return supervisors.current().awaitAccepting(workers, timeout);
    }

    /** Workers currently alive and past their start-up, as last reported by the supervisor. */
    public int acceptingWorkers() {
        return supervisors.current().accepting();
    }

    /** Every live worker with its state, counters and current client, read from the scoreboard now. */
    public PoolSnapshot snapshot() throws EngineException {
        try {
            String failure = supervisors.failure();
            if (failure != null) {
                throw new EngineException(config.name() + ": " + failure);
            }
            return supervisors.current().snapshot(SNAPSHOT_TIMEOUT).withSupervisorRestarts(supervisors.restarts());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while waiting for a snapshot", e);
        }
    }

    /** Adds one worker per port (like SIGTTIN to Net::Server). */
    public void addWorker() {
        linkBound.added(1);
        supervisors.current().send(SupervisorProtocol.TTIN);
    }

    /** Removes one worker per port (like SIGTTOU to Net::Server). */
    public void removeWorker() {
        linkBound.removed(1);
        supervisors.current().send(SupervisorProtocol.TTOU);
    }

    /** The figures the status port shows, read from the supervisor now. */
    public PoolStatus status() throws EngineException {
        try {
            return new PoolStatus(supervisors.current().status(SNAPSHOT_TIMEOUT));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while waiting for the pool's status", e);
        }
    }

    /**
     * Keeps {@code workersPerPort} workers on every port from now on (1 to max_servers' limit): new ones
     * are spawned at once; surplus ones leave after their current connection, idle ones first.
     */
    public void resize(int workersPerPort) {
        checkRange(EngineConfig.MAX_SERVERS, workersPerPort, 1, EngineConfig.MAX_SERVERS_LIMIT);
        linkBound.resized(workersPerPort);
        command(SupervisorProtocol.WORKERS + " " + workersPerPort);
        retuned.workersPerPort(workersPerPort);
    }

    /** Adds {@code n} workers per port (up to max_servers' limit). */
    public void addWorkers(int n) {
        checkRange("n", n, 1, EngineConfig.MAX_SERVERS_LIMIT);
        linkBound.added(n);
        command(SupervisorProtocol.ADD_WORKERS + " " + n);
        retuned.addWorkersPerPort(n);
    }

    /** Removes {@code n} workers per port (at least one stays); they leave after their current connection. */
    public void removeWorkers(int n) {
        checkRange("n", n, 1, EngineConfig.MAX_SERVERS_LIMIT);
        linkBound.removed(n);
        command(SupervisorProtocol.REMOVE_WORKERS + " " + n);
        retuned.addWorkersPerPort(-n);
    }

    /**
     * New limits for workers spawned from now on (workers already running keep theirs), validated by the
     * same rules as the settings {@code max_requests}, {@code max_requests_jitter} and
     * {@code graceful_shutdown_timeout}.
     */
    public void setLimits(int maxRequests, int maxRequestsJitter, int gracefulShutdownTimeout) {
        EngineConfig checked = config.toBuilder().maxRequests(maxRequests)
                .set(EngineConfig.MAX_REQUESTS_JITTER, Integer.toString(maxRequestsJitter))
                .gracefulShutdownTimeout(gracefulShutdownTimeout).build();
        command(SupervisorProtocol.LIMITS + " " + checked.maxRequests() + " " + checked.maxRequestsJitter() + " "
                + checked.gracefulShutdownTimeout());
        retuned.limits(checked);
    }

    /**
     * New client limits ({@code max_clients}, {@code first_byte_timeout}, {@code max_wait}) for the
     * descriptor bridge, validated as the settings are; they apply to connections waiting now too.
     * False when the running bridge cannot take them: {@code handoff relay}, or {@code max_clients}
     * changing to or from 0 (one client per worker is a different bridge); they then apply at the next start.
     */
    public boolean setClientLimits(int maxClients, int firstByteTimeout, int maxWait) {
        EngineConfig checked = config.toBuilder().set(EngineConfig.MAX_CLIENTS, Integer.toString(maxClients))
                .set(EngineConfig.FIRST_BYTE_TIMEOUT, Integer.toString(firstByteTimeout))
                .set(EngineConfig.MAX_WAIT, Integer.toString(maxWait)).build();
        return bridge.retune(clientLimits(checked));
    }

    /** The clients in this JVM now (in service, waiting) and those closed or refused unserved so far. */
    public ClientFigures clientFigures() {
        return bridge.clientFigures();
    }

    /** Replaces every worker, new ones first, so that no connection is refused (as SIGHUP). */
    public void restart() {
        command(SupervisorProtocol.RESTART);
    }

    /**
     * Stops accepting: every worker leaves after its current connection, the ports stay bound, and
     * clients that connect meanwhile wait in the listen queue; {@code /health} answers 503 and the
     * agent-check {@code drain}. With {@code drain_timeout}, as on every stop, balancers are told first:
     * the pool answers {@code drain} and {@code draining} at once and keeps serving for that long, and
     * only then stops accepting. Returns at once; {@link #resume()} calls it off.
     */
    public void drain() {
        command(SupervisorProtocol.DRAIN + " " + config.drainTimeout());
        retuned.drained(true);
    }

    /** Accepts again after {@link #drain()}: workers are spawned anew. */
    public void resume() {
        command(SupervisorProtocol.RESUME);
        retuned.drained(false);
    }

    private void command(String line) {
        if (!supervisors.current().send(line)) {
            throw new IllegalStateException(config.name() + ": the supervisor is gone; the pool is down");
        }
    }

    private static void checkRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ConfigException(key, Integer.toString(value), "must be a whole number from " + min + " to " + max);
        }
    }

    /**
     * Stops the pool: workers finish the connection they serve (for up to
     * {@code graceful_shutdown_timeout} seconds) and exit, the supervisor closes the ports and removes
     * the lock file, FIFO or semaphore it made, and this JVM removes the bridge socket and the private
     * directory. Returns when all of that is done, also when another thread's stop is doing it (the caller
     * may bind the ports next: a redeploy); calling it once it is done does nothing. With
     * {@code drain_timeout}, balancers are told to drain first and the pool serves that long.
     */
    public void stop() {
        stop(true);
    }

    /**
     * Stops as {@link #stop()} does but without the drain_timeout window: for a pool whose connections
     * can no longer be served (the container already refuses its MDB's deliveries), where a drain would
     * only answer every client that comes meanwhile with a refusal, while closed ports let a balancer
     * send it to another node (HAProxy's redispatch) at once.
     */
    public void stopWithoutDrain() {
        drainCutShort = true; // also ends the window of a stop() already draining on another thread
        stop(false);
    }

    private void stop(boolean drainFirst) {
        boolean first;
        synchronized (this) {
            first = !stopped;
            stopped = true;
        }
        if (!first) {
            awaitStopDone();
            return;
        }
        try {
            stopFirst(drainFirst);
        } finally {
            stopDone.countDown();
        }
    }

    /**
     * Waits for the stop another thread began, within what that stop may take: the drain window (cut
     * short by {@link #stopWithoutDrain()}), the workers' grace period, and the margins of
     * {@link #release} (supervisor exit, kill, bridge).
     */
    private void awaitStopDone() {
        long bound = (long) config.drainTimeout() + 2L * config.gracefulShutdownTimeout() + 60;
        try {
            if (!stopDone.await(bound, TimeUnit.SECONDS)) {
                LOG.warning(config.name() + ": the stop in progress on another thread has not finished after " + bound
                        + " s; going on without it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopFirst(boolean drainFirst) {
        PoolManagement.unregister(managementName);
        managementName = null;
        supervisors.stop();
        SupervisorProcess supervisor = supervisors.current();
        if (drainFirst) {
            drainBeforeStop(supervisor);
        }
        supervisor.send(SupervisorProtocol.STOP);
        timeoutWatch.close();
        clientFigures.close();
        release(supervisor, bridge, runtimeDirectory, TimeUnit.SECONDS.toMillis(config.gracefulShutdownTimeout()));
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
        }
        LOG.info(config.name() + ": stopped");
    }

    /**
     * {@code drain_timeout}: the supervisor tells balancers to drain while every worker keeps serving,
     * for that long (less if the supervisor ends), so that a balancer sends new clients elsewhere before
     * the ports close and a rolling restart loses none.
     */
    private void drainBeforeStop(SupervisorProcess supervisor) {
        if (config.drainTimeout() == 0 || !supervisor.send(SupervisorProtocol.STOP_SOON)) {
            return;
        }
        LOG.info(config.name() + ": draining for drain_timeout " + config.drainTimeout() + " s before stopping");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(config.drainTimeout());
        try {
            // In slices, so that stopWithoutDrain() (the container refuses deliveries now) ends it early.
            for (long left; !drainCutShort && (left = deadline - System.nanoTime()) > 0; ) {
                if (supervisor.awaitExit(Duration.ofNanos(Math.min(left, DRAIN_SLICE.toNanos())))) {
                    return;
                }
            }
            if (drainCutShort) {
                LOG.info(config.name() + ": drain cut short: the pool's connections can no longer be served");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stop now, and keep the news for our caller
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void release(SupervisorProcess supervisor, Receiver bridge, RuntimeDirectory dir, long graceMillis) {
        if (supervisor != null) {
            try {
                supervisor.closeInput();
                if (!supervisor.awaitExit(Duration.ofMillis(graceMillis).plusSeconds(10))) {
                    LOG.warning("the supervisor (pid " + supervisor.pid() + ") did not stop in time; killing it");
                    supervisor.destroyForcibly();
                    supervisor.awaitExit(Duration.ofSeconds(10));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                supervisor.destroyForcibly();
            }
            if (!supervisor.stoppedCleanly()) {
                releaseOrphanedResources(supervisor.resources());
            }
        }
        if (bridge != null) {
            bridge.close(graceMillis);
        }
        dir.close();
    }

    /** A supervisor that died could not remove its SysV semaphore; {@code ipcrm} can. */
    private static void releaseOrphanedResources(List<String> resources) {
        for (String resource : resources) {
            String[] words = resource.split(" ");
            if (words.length == 2 && words[0].equals("semaphore")) {
                try {
                    Process ipcrm = new ProcessBuilder("ipcrm", "-s", words[1]).redirectErrorStream(true).start();
                    ipcrm.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                    ipcrm.waitFor(5, TimeUnit.SECONDS);
                } catch (IOException e) {
                    LOG.warning("could not remove semaphore " + words[1] + " left by a dead supervisor: " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
