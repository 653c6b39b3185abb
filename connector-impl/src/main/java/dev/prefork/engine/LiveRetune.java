package dev.prefork.engine;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Setting;
import dev.prefork.engine.config.Settings;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Applies settings read again while a pool runs (the standalone launcher's SIGHUP, the adapter's
 * {@code config_refresh}) to that pool. The live-changeable ones ({@link #LIVE_KEYS}) are applied at
 * once and logged with their old and new value and where the new one came from; any other setting that
 * changed is logged once as applying at the next start, never ignored silently.
 *
 * <p>Values are compared with the settings last read, not with the pool's live figures: a change made
 * through JMX stays until the configuration itself changes.
 */
public final class LiveRetune {
    private static final Logger LOG = Logger.getLogger(LiveRetune.class.getName());

    /**
     * The settings a running pool takes without a restart: those declared so in {@link Settings}, the one
     * place that says it (a second list here once marked check_for_dead live while nothing applied it).
     */
    /** The live settings the controlling JVM's bridge applies (the supervisor never sees them). */
    private static final Set<String> CLIENT_KEYS = Set.of(EngineConfig.MAX_CLIENTS, EngineConfig.FIRST_BYTE_TIMEOUT,
            EngineConfig.MAX_WAIT);
    /** The live settings the supervisor applies to the workers it spawns from now on. */
    private static final Set<String> SUPERVISOR_LIMIT_KEYS = Set.of(EngineConfig.MAX_REQUESTS,
            EngineConfig.MAX_REQUESTS_JITTER, EngineConfig.GRACEFUL_SHUTDOWN_TIMEOUT);
    public static final Set<String> LIVE_KEYS = liveKeys();

    private final PreforkEngine engine;
    private EngineConfig lastRead;
    /** Non-live values already reported, so that each is logged once rather than at every refresh. */
    private final Map<String, String> reportedForNextStart = new HashMap<>();

    public LiveRetune(PreforkEngine engine, EngineConfig startedWith) {
        this.engine = engine;
        this.lastRead = startedWith;
    }

    /**
     * Applies what changed between the settings last read and {@code next}; returns one line per change
     * (also logged). {@code originOf} says where a key's new value came from.
     */
    public synchronized List<String> apply(EngineConfig next, Function<String, String> originOf) {
        String name = engine.config().name();
        Map<String, String> before = lastRead.toMap();
        Map<String, String> after = next.toMap();
        List<String> changes = new ArrayList<>();
        boolean limitsChanged = false;
        boolean clientsApplied = true;
        if (CLIENT_KEYS.stream().anyMatch(key -> !Objects.equals(before.get(key), after.get(key)))) {
            clientsApplied = engine.setClientLimits(next.maxClients(), next.firstByteTimeout(), next.maxWait());
        }
        for (String key : Settings.keys()) {
            String old = before.get(key);
            String now = after.get(key);
            if (Objects.equals(old, now) || key.equals(EngineConfig.HANDOFF) || key.equals(EngineConfig.DESCRIPTOR_TRANSFER)) {
                continue; // handoff, descriptor_transfer: the running pool's is what auto chose, not a change
            }
            String origin = originOf.apply(key);
            if (CLIENT_KEYS.contains(key) && !clientsApplied) {
                changes.add(name + ": " + key + " changed from " + old + " to " + now + " (" + origin + "); the running pool"
                        + " cannot take it (max_clients to or from 0, or handoff relay) and it applies at the next start");
            } else if (LIVE_KEYS.contains(key)) {
                changes.add(name + ": " + key + " changed from " + old + " to " + now + " (" + origin + "); applied to the running pool");
                limitsChanged |= SUPERVISOR_LIMIT_KEYS.contains(key);
            } else if (!Objects.equals(reportedForNextStart.put(key, now), now)) {
                changes.add(name + ": " + key + " changed from " + old + " to " + now + " (" + origin
                        + "); it cannot change while the pool runs and applies at the next start");
            }
        }
        if (next.maxServers() != lastRead.maxServers()) {
            engine.resize(next.maxServers());
        }
        if (limitsChanged) {
            engine.setLimits(next.maxRequests(), next.maxRequestsJitter(), next.gracefulShutdownTimeout());
        }
        lastRead = carryOverStatic(next);
        changes.forEach(LOG::info);
        return changes;
    }

    private static Set<String> liveKeys() {
        Set<String> live = Settings.all().stream().filter(Setting::isChangeableWhileRunning).map(Setting::key)
                .collect(Collectors.toUnmodifiableSet());
        Set<String> applied = new HashSet<>(SUPERVISOR_LIMIT_KEYS);
        applied.add(EngineConfig.MAX_SERVERS);
        applied.addAll(CLIENT_KEYS);
        if (!applied.equals(live)) {
            // A setting declared live must be applied by apply() below; fail the first use, not silently.
            throw new IllegalStateException("settings declared changeable while running " + live
                    + " differ from those LiveRetune applies " + applied);
        }
        return live;
    }

    /** The live keys of {@code next} over the rest of the last read: a static change is reported, not adopted. */
    private EngineConfig carryOverStatic(EngineConfig next) {
        EngineConfig.Builder merged = lastRead.toBuilder();
        for (String key : LIVE_KEYS) {
            merged.set(key, next.toMap().get(key));
        }
        return merged.build();
    }
}
