package dev.prefork.supervisor;

/**
 * What a load balancer is told about the pool: {@code /health}'s one word and HAProxy's agent-check
 * line. A pool accepts while it serves and has a ready worker; draining and stopping refuse.
 */
final class PoolHealth {
    static final String OK = "ok";
    static final String STARTING = "starting";
    static final String DRAINING = "draining";
    static final String STOPPING = "stopping";

    private PoolHealth() {
    }

    /** {@code ok} while the pool accepts connections; otherwise why it does not. */
    static String of(PoolFigures.Phase phase, int ready) {
        return switch (phase) {
            case DRAINING -> DRAINING;
            case STOPPING -> STOPPING;
            case SERVING -> ready > 0 ? OK : STARTING;
        };
    }

    /**
     * The agent-check reply, in HAProxy's words: {@code up ready N%} while serving, where N is the share
     * of the target that is idle (at least 1%, so that a saturated pool still gets a trickle and is seen
     * to recover; HAProxy scales the server's configured weight by it); {@code drain} while draining
     * (weight 0: no new connections, those in flight finish); {@code down} while stopping or before any
     * worker is ready. {@code up} and {@code ready} undo an earlier {@code down} and {@code drain}.
     */
    static String agentLine(StatusReport report) {
        String health = of(report.phase(), report.ready());
        return switch (health) {
            case OK -> "up ready " + Math.max(1, Math.min(100, report.target() == 0 ? 0
                    : (int) (100 * report.idle() / report.target()))) + "%";
            case DRAINING -> "drain";
            default -> "down";
        };
    }
}
