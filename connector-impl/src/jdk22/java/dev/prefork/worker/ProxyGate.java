package dev.prefork.worker;

import dev.prefork.bridge.handover.Handover;
import dev.prefork.engine.access.AccessRules;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.ProxyProtocol;
import dev.prefork.engine.protocol.LogThrottle;
import dev.prefork.engine.protocol.ProcessLog;
import dev.prefork.engine.protocol.WorkerEnvironment;
import dev.prefork.engine.proxy.ProxyHeader;
import dev.prefork.engine.proxy.ProxyHeaderParser;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code proxy_protocol}: right after {@code accept()}, before the access rules and the handoff, takes a
 * connection only from a {@code proxy_allow} balancer and reads its PROXY header, exactly (not one of the
 * client's own bytes), within {@value #HEADER_MILLIS} ms and {@link ProxyHeaderParser#V2_MAX} bytes.
 *
 * <p>Here in the worker rather than in the controlling JVM: a connection from elsewhere, a missing or
 * forged header cost the application server nothing, the access rules that run next see the carried
 * address, and in {@code handoff descriptor} the socket reaches the controlling JVM with the header
 * already gone, so no reader there needs to know about it. The worker is busy anyway until the
 * connection is handed over; a balancer sends its header with its first packet.
 *
 * <p>Refusals and bad headers close only their connection and are logged at most once per 10 s each,
 * with a count, so that a flood cannot flood the log.
 */
final class ProxyGate {
    static final long HEADER_MILLIS = 3_000;

    private final ProxyProtocol accepted;
    private final AccessRules balancers;
    private final ProcessLog log;
    private final LogThrottle refusals = new LogThrottle(10, TimeUnit.SECONDS);
    private final LogThrottle badHeaders = new LogThrottle(10, TimeUnit.SECONDS);
    private final byte[] bytes = new byte[ProxyHeaderParser.V2_MAX];

    private ProxyGate(ProxyProtocol accepted, AccessRules balancers, ProcessLog log) {
        this.accepted = accepted;
        this.balancers = balancers;
        this.log = log;
    }

    /** The gate the supervisor's environment describes, or null when {@code proxy_protocol} is off. */
    static ProxyGate fromEnvironment(ProcessLog log) {
        String protocol = System.getenv(WorkerEnvironment.ACCESS_PREFIX + EngineConfig.PROXY_PROTOCOL.toUpperCase(Locale.ROOT));
        if (protocol == null || protocol.isEmpty()) {
            return null;
        }
        String allow = System.getenv(WorkerEnvironment.ACCESS_PREFIX + EngineConfig.PROXY_ALLOW.toUpperCase(Locale.ROOT));
        return new ProxyGate(ProxyProtocol.valueOf(protocol.toUpperCase(Locale.ROOT)),
                AccessRules.proxyAllow(allow == null ? "" : allow), log);
    }

    /**
     * The PROXY header {@code client} (connected from {@code peer}) starts with, or null when the
     * connection is to be closed: not from a {@code proxy_allow} balancer, or no valid header in time.
     */
    <C> ProxyHeader read(Handover<C> handover, C client, String peer) {
        if (!balancers.permits(peer)) {
            refusals.warning(log, "refused " + peer + ": not a proxy_allow balancer, and this port takes PROXY headers only");
            return null;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HEADER_MILLIS);
        int count = 0;
        try {
            for (int needed; (needed = ProxyHeaderParser.needed(bytes, count, accepted)) > count; ) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new SocketTimeoutException("no complete PROXY header within " + HEADER_MILLIS + " ms");
                }
                int n = handover.readTimed(client, bytes, count, needed - count, left);
                if (n < 0) {
                    throw new EOFException(count == 0 ? "closed without a PROXY header" : "closed inside its PROXY header");
                }
                count += n;
            }
            ProxyHeader header = ProxyHeaderParser.parse(bytes, count, accepted);
            handover.endTimedReads(client);
            return header;
        } catch (IOException e) {
            badHeaders.warning(log, "closed the connection from " + peer + ": " + e.getMessage());
            return null;
        }
    }
}
