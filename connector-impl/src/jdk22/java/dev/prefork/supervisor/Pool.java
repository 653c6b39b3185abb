package dev.prefork.supervisor;

import dev.prefork.engine.config.EngineConfig;

/**
 * The workers of one port: its listening socket, what they take turns on, how many to keep, and the
 * range of scoreboard slots they use. A pool has room for twice the largest size it can be given while
 * it runs (max_servers' limit), so that a rolling restart can start every replacement before the old
 * workers leave.
 */
final class Pool implements AutoCloseable {
    /**
     * Scoreboard slots per pool, whatever its size now: TTIN and TTOU move it anywhere from 1 to
     * {@code MAX_SERVERS_LIMIT} without remapping the scoreboard under running workers. That is 256 KiB
     * per port of a sparse file: every worker maps all of it but touches only the header's page and its
     * own slot's, and only touched pages take memory (4 KiB allocated with one slot written, measured).
     */
    static final int SLOTS = 2 * EngineConfig.MAX_SERVERS_LIMIT;

    final int index;
    final ListeningSocket socket;
    final AcceptLockResource turn;
    final int firstSlot;
    final int slotCount;
    int target;

    Pool(int index, ListeningSocket socket, AcceptLockResource turn, int target, int firstSlot, int slotCount) {
        this.index = index;
        this.socket = socket;
        this.turn = turn;
        this.target = target;
        this.firstSlot = firstSlot;
        this.slotCount = slotCount;
    }

    /** The largest target that still leaves room for a full rolling restart, and at most max_servers' limit. */
    int maxTarget() {
        return Math.min(EngineConfig.MAX_SERVERS_LIMIT, slotCount / 2);
    }

    @Override
    public void close() {
        socket.close();
        turn.close();
    }
}
