package dev.prefork.supervisor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The lost-token half of {@link StuckTurnWatch} (the stuck holder is tested through {@code ArbiterTest}). */
class StuckTurnWatchTest {

    @Test
    void aTurnNobodyHoldsWhileWorkersAndClientsWaitIsReportedLostAfterTheGraceOnce() {
        StuckTurnWatch watch = new StuckTurnWatch(1);
        assertEquals(0, watch.lookForLostTurn(0, true, 2, 1_000));
        assertEquals(0, watch.lookForLostTurn(0, true, 2, 1_000 + StuckTurnWatch.STUCK_MILLIS - 1));
        assertEquals(StuckTurnWatch.STUCK_MILLIS, watch.lookForLostTurn(0, true, 2, 1_000 + StuckTurnWatch.STUCK_MILLIS));
        // Reported once: the next look starts a new grace instead of putting in a token every second.
        assertEquals(0, watch.lookForLostTurn(0, true, 2, 1_000 + StuckTurnWatch.STUCK_MILLIS + 1_000));
    }

    @Test
    void anEmptyQueueOrNoWaitingWorkerIsNoLostTurn() {
        StuckTurnWatch watch = new StuckTurnWatch(2);
        watch.lookForLostTurn(0, true, 1, 0);
        assertEquals(0, watch.lookForLostTurn(0, true, 0, 5_000), "nobody waits: the turn may simply be idle");
        assertEquals(0, watch.lookForLostTurn(0, true, 1, 10_000), "the grace starts again");
        watch.lookForLostTurn(1, false, 3, 0);
        assertEquals(0, watch.lookForLostTurn(1, false, 3, 60_000), "every worker busy: clients wait for a worker, not a turn");
    }
}
