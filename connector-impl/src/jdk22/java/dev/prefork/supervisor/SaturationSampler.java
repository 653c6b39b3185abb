package dev.prefork.supervisor;

import dev.prefork.engine.WorkerState;
import dev.prefork.engine.protocol.Scoreboard;

import java.util.concurrent.TimeUnit;

/**
 * Looks at the scoreboard and the listen queues ten times a second for what no single moment shows:
 * the most workers busy at once, how often every worker was busy (Apache's and PHP-FPM's "max children
 * reached"), and the deepest listen queue. Workers write nothing extra for it, so a burst shorter than
 * the period can go unseen; the figures are lower bounds.
 */
final class SaturationSampler implements Runnable {
    static final long PERIOD_MILLIS = 100;

    private final PoolFigures figures;
    private final Scoreboard scoreboard;
    private final ListenQueueGauge queues;
    private volatile boolean stopped;

    SaturationSampler(PoolFigures figures, Scoreboard scoreboard, ListenQueueGauge queues) {
        this.figures = figures;
        this.scoreboard = scoreboard;
        this.queues = queues;
    }

    @Override
    public void run() {
        boolean wasAllBusy = false;
        while (!stopped) {
            int busy = busyWorkers(figures, scoreboard);
            int target = figures.target();
            boolean allBusy = target > 0 && busy >= target;
            figures.sampled(busy, allBusy, wasAllBusy, ListenQueueGauge.total(queues.depths()));
            wasAllBusy = allBusy;
            try {
                TimeUnit.MILLISECONDS.sleep(PERIOD_MILLIS); // a fixed sampling period, not a wait for an event
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Workers serving a connection now, as their scoreboard slots say. */
    static int busyWorkers(PoolFigures figures, Scoreboard scoreboard) {
        int busy = 0;
        for (PoolFigures.Worker worker : figures.workers()) {
            Scoreboard.SlotView view = scoreboard.read(worker.slot());
            if (view != null && view.pid() == worker.pid() && view.state() == WorkerState.PROCESSING) {
                busy++;
            }
        }
        return busy;
    }

    void stop() {
        stopped = true;
    }
}
