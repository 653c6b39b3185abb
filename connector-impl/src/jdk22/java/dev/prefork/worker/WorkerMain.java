package dev.prefork.worker;

import dev.prefork.bridge.handover.DescriptorHandover;
import dev.prefork.bridge.handover.Handover;
import dev.prefork.bridge.handover.HeaderMaker;
import dev.prefork.bridge.handover.PidfdHandover;
import dev.prefork.bridge.handover.RelayHandover;
import dev.prefork.engine.WorkerState;
import dev.prefork.engine.config.DescriptorTransfer;
import dev.prefork.engine.config.Handoff;
import dev.prefork.engine.config.Serialize;
import dev.prefork.bridge.BridgeHeader;
import dev.prefork.engine.protocol.CurrentProcess;
import dev.prefork.engine.protocol.Scoreboard;
import dev.prefork.engine.protocol.WorkerEnvironment;
import dev.prefork.engine.protocol.ProcessLog;
import dev.prefork.engine.proxy.ProxyHeader;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A worker process: accepts on the listening socket inherited as standard input, one connection at a
 * time, taking turns with its siblings as {@code serialize} says, and hands each connection to the
 * controlling JVM as {@code handoff} says (see {@link Handover}). Exits after {@code max_requests} connections, when the supervisor
 * tells it to, or when the supervisor is gone.
 *
 * <p>It accepts on a platform thread in blocking mode: a virtual thread would switch the shared
 * socket to non-blocking mode for every process that holds it. In relay mode and with
 * {@code descriptor_transfer pidfd} its common path uses plain JDK APIs only; {@code descriptor_transfer
 * message} binds the few socket calls it needs, and {@code serialize semaphore} binds semop.
 */
public final class WorkerMain {
    /** Exit status of a worker that gave up on a failing accept(): the supervisor logs it and replaces us. */
    private static final int EXIT_ACCEPT_FAILING = 3;
    private final String name = env(WorkerEnvironment.NAME);
    private final ProcessLog log = new ProcessLog("worker", name);
    private final long pid = CurrentProcess.pid();
    /** Close enough to the process start, without parsing /proc at start-up. */
    private final long startedMillis = System.currentTimeMillis();
    private final int slotIndex = Integer.parseInt(env(WorkerEnvironment.SLOT));
    private final int portIndex = Integer.parseInt(env(WorkerEnvironment.PORT_INDEX));
    private final long maxRequests = Long.parseLong(env(WorkerEnvironment.MAX_REQUESTS));
    private final byte[] secret = BridgeHeader.parseSecret(env(WorkerEnvironment.SECRET));
    private final String bridgeSocket = env(WorkerEnvironment.BRIDGE_SOCKET);
    /** Null when every client is served. */
    private final AccessGate access = AccessGate.fromEnvironment(log);
    /** Null unless proxy_protocol is on. */
    private final ProxyGate proxy = ProxyGate.fromEnvironment(log);
    /** Set once the accept turn is open; how every exit of ours gives the turn back. */
    private WorkerControl control;
    /** An anonymous class rather than a method reference: no lambda class to spin at start-up. */
    private final AcceptFailures acceptFailures = new AcceptFailures(new java.util.function.Consumer<String>() {
        @Override
        public void accept(String line) {
            log.warning(line);
        }
    });
    private int exitStatus;
    private HeaderMaker headers;

    public static void main(String[] args) {
        WorkerMain worker = new WorkerMain();
        try {
            worker.run();
        } catch (Throwable t) {
            worker.log.severe("worker failed", t);
            if (worker.control != null) {
                worker.control.exitNow(2, "failed");
            }
            Runtime.getRuntime().halt(2);
        }
    }

    private static String env(String key) {
        String value = System.getenv(key);
        if (value == null) {
            throw new IllegalStateException(key + " is not set: a worker is started by the Prefork supervisor, not by hand");
        }
        return value;
    }

    private void run() throws IOException {
        Channel inherited = System.inheritedChannel();
        if (!(inherited instanceof ServerSocketChannel listener)) {
            throw new IllegalStateException("standard input is not a listening socket but " + inherited);
        }
        Scoreboard scoreboard = Scoreboard.open(Path.of(env(WorkerEnvironment.SCOREBOARD)));
        Scoreboard.Slot slot = scoreboard.slot(slotIndex);
        slot.start(pid, portIndex, startedMillis);
        Serialize mode = Serialize.valueOf(env(WorkerEnvironment.SERIALIZE).toUpperCase(Locale.ROOT));
        String lockResource = System.getenv(WorkerEnvironment.ACCEPT_LOCK);
        headers = new HeaderMaker(secret, pid, slotIndex, startedMillis, portIndex,
                BridgeHeader.formatAddress(listener.getLocalAddress()));
        String why;
        try (AcceptLock turn = AcceptLock.open(mode, lockResource)) {
            control = new WorkerControl(slot, turn, log, Long.parseLong(env(WorkerEnvironment.GRACE_SECONDS)) * 1000,
                    exitReleasing(listener));
            if (Handoff.DESCRIPTOR.key().equals(env(WorkerEnvironment.HANDOFF))
                    && DescriptorTransfer.PIDFD.key().equals(System.getenv(WorkerEnvironment.DESCRIPTOR_TRANSFER))) {
                // The bridge link first: the hello in serve() makes this worker count as ready, so it must be able to hand over.
                why = serve(PidfdHandover.connect(listener, bridgeSocket, headers, log), turn, slot, control);
            } else if (Handoff.DESCRIPTOR.key().equals(env(WorkerEnvironment.HANDOFF))) {
                DescriptorHandover handover = DescriptorHandover.connect(bridgeSocket, headers, log);
                why = serve(handover, turn, slot, control);
            } else {
                why = serve(new RelayHandover(listener, UnixDomainSocketAddress.of(bridgeSocket), headers, log),
                        turn, slot, control);
            }
        }
        control.exitNow(exitStatus, why);
    }

    /**
     * How this worker ends: {@code Runtime.halt}, after closing its listening socket where the supervisor asked
     * ({@link WorkerEnvironment#RELEASE_LISTENER_AT_EXIT}: a JDK 25 AOT cache's trainer, whose exit starts a child JVM
     * that would inherit the socket as its standard input). Closing the inherited channel points standard input,
     * output and error at /dev/null (the JDK's InheritedChannel), so it comes after the worker's last log line and
     * silences what the JVM prints while it writes the cache.
     */
    private static WorkerControl.Exit exitReleasing(ServerSocketChannel listener) {
        boolean release = System.getenv(WorkerEnvironment.RELEASE_LISTENER_AT_EXIT) != null;
        return status -> {
            if (release) {
                try {
                    listener.close();
                } catch (IOException e) {
                    // exiting anyway: the port is released with the process
                }
            }
            Runtime.getRuntime().halt(status);
        };
    }

    /** Says hello to the supervisor, now that the handover is ready too, then runs the accept loop; returns why it ended. */
    private <C> String serve(Handover<C> handover, AcceptLock turn, Scoreboard.Slot slot, WorkerControl control)
            throws IOException {
        // Before the supervisor can ask us to quit: how it gets this thread out of accept().
        control.wakeWith(new WorkerControl.Waker() {
            @Override
            public boolean wake() {
                return handover.wakeAccept();
            }
        });
        // Only now: a worker that said hello counts as started, and one that cannot open its link to the
        // controlling JVM must count as a start-up failure, which the supervisor backs off from.
        SupervisorLink.connect(Path.of(env(WorkerEnvironment.SUPERVISOR_SOCKET)), pid, control, log);
        long served = 0;
        while (control.mayTakeAnother(maxRequests > 0 && served >= maxRequests)) {
            slot.state(WorkerState.WAITING);
            C client = null;
            IOException failure = null;
            if (!turn.acquire()) {
                break; // told to quit while waiting for the turn
            }
            try {
                if (!control.enterAccept()) {
                    break; // told to quit since: the turn is given back below
                }
                slot.state(WorkerState.ACCEPTING);
                client = handover.accept();
            } catch (IOException e) {
                failure = e;
            } finally {
                // From here a client we hold is served even if we are told to quit: we leave after it.
                control.leftAccept(client != null);
                turn.release();
            }
            if (failure != null) {
                if (control.quitting()) {
                    break; // woken from accept() to leave: not a failure
                }
                long delay = acceptFailures.failed(failure, TimeUnit.NANOSECONDS.toMillis(System.nanoTime()));
                if (delay == AcceptFailures.GIVE_UP) {
                    exitStatus = EXIT_ACCEPT_FAILING;
                    return "accept kept failing";
                }
                if (delay == 0) {
                    // ECONNABORTED and friends: the client gave up before we took it; take the next one.
                    log.fine("accept failed: " + failure);
                } else {
                    // Outside the turn, so that a sibling that can accept does meanwhile.
                    slot.state(WorkerState.BACKING_OFF);
                    pause(delay);
                }
                continue;
            }
            acceptFailures.succeeded();
            String peer = handover.peerOf(client);
            if (proxy != null) {
                // Busy while it reads the header (up to its time bound), as the status and the agent's weight should say.
                slot.processing(peer);
                ProxyHeader header = proxy.read(handover, client, peer);
                if (header == null) {
                    try {
                        handover.refuse(client, null);
                    } finally {
                        control.endConnection();
                    }
                    continue;
                }
                headers.carried(header.destination(), peer);
                if (header.carriesAddresses()) {
                    peer = header.source();
                }
            }
            if (access != null && !access.admits(peer)) {
                try {
                    handover.refuse(client, access.denyLine());
                } finally {
                    control.endConnection();
                }
                continue;
            }
            served++;
            slot.processing(peer);
            boolean reachable;
            try {
                reachable = handover.pass(client, peer, served);
            } finally {
                control.endConnection();
                slot.served(served, WorkerState.WAITING);
            }
            if (!reachable) {
                return "the controlling JVM cannot be reached";
            }
        }
        if (control.quitting()) {
            return served > maxRequests && maxRequests > 0
                    ? "served " + served + " connections, " + (served - maxRequests) + " past its max_requests while held for its successor"
                    : "told to quit";
        }
        return "served its " + maxRequests + " connections";
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // nobody interrupts this thread outside taking the turn; keep the news
        }
    }

    /**
     * The worker's connection to its supervisor: says hello once, then listens for "quit" (the pool
     * stops), "retire" (the pool shrinks, drains or restarts), "hold" and "release" (serve on past
     * max_requests until the successor accepts) or the supervisor's end. Lines are handled in the order
     * they came, whole: a hold and its release may arrive in one read.
     */
    static final class SupervisorLink {
        private SupervisorLink() {
        }

        static void connect(Path socket, long pid, WorkerControl control, ProcessLog log) throws IOException {
            SocketChannel link = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            link.write(ByteBuffer.wrap(("hello " + pid + "\n").getBytes(StandardCharsets.US_ASCII)));
            Thread watcher = new Thread(new Runnable() {
                @Override
                public void run() {
                    ByteBuffer in = ByteBuffer.allocate(64);
                    StringBuilder pending = new StringBuilder();
                    try {
                        while (link.read(in) >= 0) {
                            pending.append(new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII));
                            in.clear();
                            for (int end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n")) {
                                String line = pending.substring(0, end);
                                pending.delete(0, end + 1);
                                switch (line) {
                                    case "quit" -> control.requestQuit("the supervisor asked us to quit");
                                    case "retire" -> control.requestRetire("the supervisor retires us");
                                    case "hold" -> control.hold();
                                    case "release" -> control.release();
                                    default -> log.warning("ignoring a line from the supervisor: " + line);
                                }
                            }
                            if (pending.length() > 64) {
                                pending.setLength(0); // no message is this long: not the supervisor speaking
                            }
                        }
                    } catch (IOException e) {
                        // same as end of stream
                    }
                    log.fine("the supervisor is gone");
                    control.requestQuit("the supervisor is gone");
                }
            }, "prefork-supervisor-link");
            watcher.setDaemon(true);
            watcher.start();
        }
    }
}
