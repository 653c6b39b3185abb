package dev.prefork.supervisor;

import dev.prefork.bridge.ClientFigures;
import dev.prefork.engine.WorkerState;
import dev.prefork.engine.protocol.Scoreboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pool at one moment, as the status port and the controlling JVM show it: what the arbiter
 * published, the scoreboard read now, the listen queues read now, and the sampler's peaks.
 *
 * @param name           the pool's name
 * @param supervisorPid  this process
 * @param startedMillis  when the supervisor started (epoch ms)
 * @param takenMillis    when this report was read (epoch ms)
 * @param settings       the settings that matter for saturation, as they are now
 * @param phase          serving, draining or stopping
 * @param target         workers kept running over every port
 * @param ready          workers that reached their accept loop and were not told to leave
 * @param ports          every port with its listen queue now
 * @param workers        every live worker, by slot
 * @param accepted       connections accepted since the start (finished, plus the ones being served)
 * @param counters       the peaks and the departures by reason
 * @param scoreboardLine one character per scoreboard slot, a space between ports
 * @param clients        the controlling JVM's clients, as it last published them (with max_clients the
 *                       workers hand theirs over at once, so the slots show them idle)
 */
record StatusReport(String name, long supervisorPid, long startedMillis, long takenMillis, Settings settings,
                    PoolFigures.Phase phase, int target, int ready, List<Port> ports, List<WorkerRow> workers,
                    long accepted, PoolFigures.Counters counters, String scoreboardLine, ClientFigures clients) {

    /** Settings shown beside the figures; the limits can change while the pool runs. */
    record Settings(int maxServers, int maxRequests, int maxRequestsJitter, int gracefulShutdownTimeout,
                    String serialize, String handoff) {
    }

    /** One port: what is bound and how many connections wait in its accept queue (-1: unknown). */
    record Port(String address, int listenQueue) {
    }

    /**
     * One worker: its scoreboard slot and state, since when, connections finished, the client it is
     * serving, its resident memory in kB (-1 unless asked for, or unreadable), whether it was told to leave,
     * and its part in recycling ahead ({@link PoolFigures.Worker#recycling}).
     */
    record WorkerRow(int slot, long pid, int portIndex, WorkerState state, long startedMillis, long sinceMillis,
                     long served, String client, long rssKb, boolean leaving, String recycling) {
    }

    long uptimeMillis() {
        return takenMillis - startedMillis;
    }

    long count(WorkerState state) {
        return workers.stream().filter(w -> w.state() == state).count();
    }

    /** Workers still serving whose successor was started before their last connection. */
    long successorsAhead() {
        return workers.stream().filter(w -> !w.leaving() && (w.recycling().equals(PoolFigures.Worker.SUCCEEDED)
                || w.recycling().equals(PoolFigures.Worker.HELD))).count();
    }

    /** Workers held past (or near) max_requests until their successor accepts. */
    long held() {
        return workers.stream().filter(w -> w.recycling().equals(PoolFigures.Worker.HELD)).count();
    }

    long idle() {
        return workers.stream().filter(w -> w.state().isIdle()).count();
    }

    int listenQueue() {
        int sum = 0;
        for (Port port : ports) {
            sum += Math.max(0, port.listenQueue());
        }
        return sum;
    }

    /** Reads everything now; {@code withMemory} also reads every worker's RSS from /proc (the ?full table). */
    static StatusReport take(String name, Settings settings, PoolFigures figures, Scoreboard scoreboard, List<Pool> pools,
                             ListenQueueGauge queues, boolean withMemory) {
        long now = System.currentTimeMillis();
        List<PoolFigures.Worker> known = figures.workers();
        PoolFigures.Counters counters = figures.counters();
        List<WorkerRow> rows = new ArrayList<>(known.size());
        Map<Integer, Character> letters = new HashMap<>();
        long accepted = counters.servedByGone();
        for (PoolFigures.Worker worker : known) {
            Scoreboard.SlotView view = scoreboard.read(worker.slot());
            boolean written = view != null && view.pid() == worker.pid();
            WorkerState state = written ? view.state() : WorkerState.STARTING;
            long served = written ? view.served() : 0;
            accepted += written ? PoolFigures.accepted(view) : 0;
            rows.add(new WorkerRow(worker.slot(), worker.pid(), worker.portIndex(), state,
                    written ? view.startedMillis() : worker.spawnedMillis(),
                    written ? view.sinceMillis() : worker.spawnedMillis(), served,
                    written && state == WorkerState.PROCESSING ? view.peer() : "",
                    withMemory ? residentKb(worker.pid()) : -1, worker.leaving(), worker.recycling()));
            letters.put(worker.slot(), letter(state, worker.leaving()));
        }
        int[] depths = queues.depths();
        List<Port> ports = new ArrayList<>(pools.size());
        StringBuilder line = new StringBuilder();
        for (Pool pool : pools) {
            ports.add(new Port(pool.socket.boundAddress(), depths[pool.index]));
            if (!line.isEmpty()) {
                line.append(' ');
            }
            for (int slot = pool.firstSlot; slot < pool.firstSlot + shownSlots(pool, figures.target() / pools.size(), letters); slot++) {
                line.append(letters.getOrDefault(slot, '.'));
            }
        }
        return new StatusReport(name, ProcessHandle.current().pid(), figures.startedMillis(), now, settings,
                figures.phase(), figures.target(), figures.ready(), List.copyOf(ports), List.copyOf(rows), accepted,
                counters, line.toString(), scoreboard.clients());
    }

    /**
     * How many of a port's slots the scoreboard line shows: the room a rolling restart of its target
     * needs, or up to its highest slot in use if that is further (the scoreboard itself has room for
     * the largest pool max_servers allows).
     */
    private static int shownSlots(Pool pool, int target, Map<Integer, Character> letters) {
        int shown = Math.min(pool.slotCount, 2 * Math.max(1, target));
        for (int slot : letters.keySet()) {
            if (slot >= pool.firstSlot && slot < pool.firstSlot + pool.slotCount) {
                shown = Math.max(shown, slot - pool.firstSlot + 1);
            }
        }
        return shown;
    }

    /** mod_status's scoreboard letters, with ours for the states Apache does not have. */
    static char letter(WorkerState state, boolean leaving) {
        if (leaving && state != WorkerState.PROCESSING) {
            return 'X';
        }
        return switch (state) {
            case STARTING -> 'S';
            case WAITING -> '_';
            case ACCEPTING -> 'A';
            case PROCESSING -> 'P';
            case EXITING -> 'X';
            case BACKING_OFF -> 'B'; // accept() keeps failing (out of descriptors, say): not accepting for now
            case EMPTY -> '.';
        };
    }

    /** VmRSS of a process in kB, from /proc; -1 when it is gone or unreadable. */
    private static long residentKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the worker exited meanwhile
        }
        return -1;
    }
}
