package dev.prefork.worker;

import dev.prefork.engine.access.AccessRules;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.protocol.LogThrottle;
import dev.prefork.engine.protocol.ProcessLog;
import dev.prefork.engine.protocol.WorkerEnvironment;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Decides, right after {@code accept()} and before the handoff, whether this worker serves a client, so
 * that a refused client costs the controlling JVM (the application server) nothing. Refusals are logged
 * at most once per 10 s with a count, so a flood of refused clients cannot flood the log; they do not
 * count towards {@code max_requests}, so it cannot make the pool replace workers either.
 */
final class AccessGate {
    private final AccessRules rules;
    private final byte[] denyLine;
    private final ProcessLog log;
    private final LogThrottle refusals = new LogThrottle(10, TimeUnit.SECONDS);

    private AccessGate(AccessRules rules, byte[] denyLine, ProcessLog log) {
        this.rules = rules;
        this.denyLine = denyLine;
        this.log = log;
    }

    /**
     * The gate the supervisor's environment describes, or null when every client is served (the common
     * case, which then costs the accept loop nothing).
     */
    static AccessGate fromEnvironment(ProcessLog log) {
        String allow = access(EngineConfig.ALLOW);
        String deny = access(EngineConfig.DENY);
        String cidrAllow = access(EngineConfig.CIDR_ALLOW);
        String cidrDeny = access(EngineConfig.CIDR_DENY);
        String clients = access(EngineConfig.CLIENTS);
        if (allow.isEmpty() && deny.isEmpty() && cidrAllow.isEmpty() && cidrDeny.isEmpty() && clients.isEmpty()) {
            return null;
        }
        String message = access(EngineConfig.DENY_MESSAGE);
        byte[] line = message.isEmpty() ? null : (message + "\n").getBytes(StandardCharsets.UTF_8);
        return new AccessGate(AccessRules.parse(allow, deny, cidrAllow, cidrDeny, clients), line, log);
    }

    private static String access(String key) {
        String value = System.getenv(WorkerEnvironment.ACCESS_PREFIX + key.toUpperCase(Locale.ROOT));
        return value == null ? "" : value;
    }

    /** Whether the client at {@code peer} is served; counts and (rate-limited) logs a refusal. */
    boolean admits(String peer) {
        if (rules.permits(peer)) {
            return true;
        }
        String line = refusals.line("refused " + peer + " (access rules)");
        if (line != null) {
            log.info(line);
        }
        return false;
    }

    /** The line a refused client reads before its connection closes, or null for none. */
    byte[] denyLine() {
        return denyLine;
    }
}
