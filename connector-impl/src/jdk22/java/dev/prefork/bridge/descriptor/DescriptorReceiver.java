package dev.prefork.bridge.descriptor;

import dev.prefork.bridge.ClientFigures;
import dev.prefork.bridge.ClientLimits;
import dev.prefork.bridge.ConnectionHandler;
import dev.prefork.bridge.LinkExecutor;
import dev.prefork.bridge.ActiveConnections;
import dev.prefork.bridge.Receiver;
import dev.prefork.engine.config.DescriptorTransfer;
import dev.prefork.engine.protocol.LogThrottle;
import dev.prefork.posix.PosixException;
import dev.prefork.posix.SocketCalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.logging.Logger;

/**
 * The controlling JVM's end of {@code handoff descriptor}: a Unix-domain socket in the engine's private
 * directory, to which every worker opens one {@link HandoffLink} for its life and over which it hands over
 * each accepted client socket: sent in an {@code SCM_RIGHTS} message on a {@code SOCK_SEQPACKET} socket
 * ({@code descriptor_transfer message}), or named by its number in the worker on a {@code SOCK_STREAM} socket
 * and taken with {@code pidfd_getfd} ({@code pidfd}); see {@link TransferChoice}. The handler then reads and writes the client
 * directly: no byte goes through the worker, and no bridge connection is opened per client.
 *
 * <p>This class needs the FFM API (JDK 22+). The engine loads it from the process jar only when the
 * controlling JVM has it, through {@code DescriptorReceivers}.
 */
public final class DescriptorReceiver implements Receiver {
    private static final Logger LOG = Logger.getLogger(DescriptorReceiver.class.getName());
    private static final int BACKLOG = 1024;
    /** The longest pause between two accept() calls that failed (descriptors exhausted, say). */
    private static final long MAX_ACCEPT_BACKOFF_MILLIS = 1_000;

    private final Path socketPath;
    private final byte[] secret;
    private final ConnectionHandler handler;
    private final Executor executor;
    private final String name;
    private final int listener;
    private final Thread acceptor;
    private final ActiveConnections connections = new ActiveConnections();
    private final Set<HandoffLink> links = ConcurrentHashMap.newKeySet();
    private final AtomicInteger linkCount = new AtomicInteger();
    /** Read for every link: it follows the pool's size. */
    private final IntSupplier maxLinks;
    /** Takes the clients with {@code max_clients} above 0; null for one client per worker. */
    private final ClientAdmission admission;
    private final LogThrottle acceptFailures = new LogThrottle(10, TimeUnit.SECONDS);
    private final LogThrottle refusedLinks = new LogThrottle(10, TimeUnit.SECONDS);
    private final LogThrottle cutOffDescriptors = new LogThrottle(10, TimeUnit.SECONDS);
    private final LogThrottle untakenClients = new LogThrottle(10, TimeUnit.SECONDS);
    /** How the workers' sockets get here, decided once at start. */
    private final TransferChoice transfer;
    private volatile boolean closing;

    private DescriptorReceiver(Path socketPath, byte[] secret, ConnectionHandler handler, Executor executor, String name,
                               IntSupplier maxLinks, ClientLimits limits, TransferChoice transfer) {
        this.maxLinks = maxLinks;
        this.transfer = transfer;
        this.socketPath = socketPath;
        this.secret = secret.clone();
        this.handler = handler;
        this.executor = executor;
        this.name = name;
        try (Arena arena = Arena.ofConfined()) {
            this.listener = new SocketCalls(arena).listenForLinks(socketPath.toString(), BACKLOG,
                    transfer.transfer() == DescriptorTransfer.PIDFD);
        }
        this.acceptor = new Thread(this::acceptLinks, "prefork-links-" + name);
        acceptor.setDaemon(true);
        if (limits.decoupled()) {
            if (executor == null) {
                SocketCalls.closeQuietly(listener);
                throw new IllegalArgumentException("max_clients above 0 needs an executor for the handlers");
            }
            ClientAdmission taking;
            try {
                taking = new ClientAdmission(name, limits, handler, executor, connections);
            } catch (RuntimeException e) {
                SocketCalls.closeQuietly(listener);
                throw e;
            }
            this.admission = taking;
        } else {
            this.admission = null;
        }
    }

    /**
     * Binds {@code socketPath} and starts taking worker links, at most {@code maxLinks} at once (every
     * worker the pool can have, and a margin: more are not ours, and are closed). With {@code limits}
     * keeping one client per worker, handlers run on each link's own thread when {@code executor} is null
     * or a {@link LinkExecutor} that lends one, else on {@code executor}; with {@code max_clients} above 0
     * always on {@code executor}. The sockets come as {@code transfer} says (see {@link TransferChoice}), which
     * is decided and logged here.
     *
     * @throws dev.prefork.engine.config.ConfigException when {@code transfer} is pidfd and that cannot work here
     */
    public static Receiver start(Path socketPath, byte[] secret, ConnectionHandler handler, Executor executor, String name,
                                 IntSupplier maxLinks, ClientLimits limits, DescriptorTransfer transfer,
                                 boolean workersChangeUser) throws IOException {
        TransferChoice choice = TransferChoice.decide(transfer, workersChangeUser);
        LOG.info(name + ": descriptor transfer " + choice.transfer().key() + " (" + choice.reason() + ")");
        DescriptorReceiver bridge;
        try {
            bridge = new DescriptorReceiver(socketPath, secret, handler, executor, name, maxLinks, limits, choice);
        } catch (PosixException e) {
            throw new IOException("cannot listen for worker links at " + socketPath + ": " + e.getMessage(), e);
        }
        bridge.acceptor.start();
        return bridge;
    }

    private void acceptLinks() {
        long backoffMillis = 0;
        try (Arena arena = Arena.ofConfined()) {
            SocketCalls calls = new SocketCalls(arena);
            MemorySegment address = arena.allocate(SocketCalls.SOCKADDR_SIZE);
            while (!closing) {
                int fd;
                try {
                    fd = calls.accept(listener, address);
                } catch (PosixException e) {
                    if (closing) {
                        return;
                    }
                    if (e.errno() == SocketCalls.EINTR || e.errno() == SocketCalls.ECONNABORTED) {
                        continue;
                    }
                    // EMFILE and friends fail again at once while the link waits in the backlog: pause, growing.
                    backoffMillis = Math.min(MAX_ACCEPT_BACKOFF_MILLIS, Math.max(10, 2 * backoffMillis));
                    String line = acceptFailures.line(name + ": accepting a worker link failed (" + e.getMessage()
                            + "); retrying in up to " + MAX_ACCEPT_BACKOFF_MILLIS + " ms");
                    if (line != null) {
                        LOG.warning(line);
                    }
                    try {
                        Thread.sleep(backoffMillis);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                    continue;
                }
                backoffMillis = 0;
                int bound = maxLinks.getAsInt();
                if (links.size() >= bound) {
                    SocketCalls.closeQuietly(fd);
                    String line = refusedLinks.line(name + ": refused a worker link: " + bound
                            + " links are open, as many as the pool can have");
                    if (line != null) {
                        LOG.warning(line);
                    }
                    continue;
                }
                HandoffLink link = new HandoffLink(fd, this, admission);
                links.add(link);
                startLink(link);
            }
        }
    }

    /**
     * Runs the link's loop on a thread the executor lends for the worker's life, where it can; else on a
     * thread of our own, inline when there is no executor, dispatching to the executor otherwise.
     */
    private void startLink(HandoffLink link) {
        String threadName = "prefork-link-" + name + "-" + linkCount.incrementAndGet();
        // With max_clients the link's thread only receives (handlers run on the executor): a thread of our own.
        if (admission == null && executor instanceof LinkExecutor lender) {
            AtomicBoolean claimed = new AtomicBoolean();
            boolean started = lender.startLinkLoop(() -> {
                if (claimed.compareAndSet(false, true)) {
                    link.runInline();
                }
            }, threadName);
            // A loop the executor started too late (after saying no) finds itself claimed and returns.
            if (started || !claimed.compareAndSet(false, true)) {
                return;
            }
            LOG.warning(name + ": the executor lends no thread to a worker link; reading it on a thread of"
                    + " our own and handing each connection over. Give the executor max_servers threads per port.");
        }
        Thread thread = new Thread(() -> {
            if (executor == null || admission != null) {
                link.runInline();
            } else {
                link.runDispatching(executor);
            }
        }, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    byte[] secret() {
        return secret;
    }

    ConnectionHandler handler() {
        return handler;
    }

    /** Whether links send frames to take the sockets from ({@code pidfd}), rather than the sockets themselves. */
    boolean pidfdTransfer() {
        return transfer.transfer() == DescriptorTransfer.PIDFD;
    }

    @Override
    public DescriptorTransfer descriptorTransfer() {
        return transfer.transfer();
    }

    /** For the links' "cannot take the client" lines: one per interval over all links. */
    LogThrottle untakenClients() {
        return untakenClients;
    }

    /** For the links' "no descriptor free" lines: one per interval over all links. */
    LogThrottle cutOffDescriptors() {
        return cutOffDescriptors;
    }

    String name() {
        return name;
    }

    @Override
    public ActiveConnections connections() {
        return connections;
    }

    boolean closing() {
        return closing;
    }

    void linkEnded(HandoffLink link) {
        synchronized (links) {
            links.remove(link);
            links.notifyAll();
        }
    }

    @Override
    public Path socketPath() {
        return socketPath;
    }

    @Override
    public int activeConnections() {
        return connections.size();
    }

    @Override
    public ClientFigures clientFigures() {
        return admission != null ? admission.figures()
                : new ClientFigures(0, connections.size(), 0, 0, 0, 0, connections.refused());
    }

    /** Applies changed client limits; false when they switch between one client per worker and max_clients. */
    @Override
    public boolean retune(ClientLimits limits) {
        if (admission == null || !limits.decoupled()) {
            return admission == null && !limits.decoupled();
        }
        admission.retune(limits);
        return true;
    }

    @Override
    public void close(long graceMillis) {
        closing = true;
        // shutdown wakes the acceptor blocked in accept(); only then is the descriptor closed.
        SocketCalls.shutdownQuietly(listener);
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        SocketCalls.closeQuietly(listener);
        if (admission != null) {
            admission.close();
        }
        connections.drain(graceMillis);
        for (HandoffLink link : links) {
            link.shutdown();
        }
        // Let the links end before the engine closes the class loader their code comes from.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        synchronized (links) {
            while (!links.isEmpty()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    LOG.warning(name + ": " + links.size() + " worker links still open at close");
                    break;
                }
                try {
                    links.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            LOG.warning("could not remove the bridge socket " + socketPath + ": " + e.getMessage());
        }
    }
}
