package dev.prefork.supervisor;

import dev.prefork.engine.protocol.ProcessLog;
import dev.prefork.posix.Posix;
import dev.prefork.posix.PosixException;

import java.util.List;

/**
 * Reads how many connections wait in each port's accept queue (accepted by the kernel, not yet by a
 * worker): Linux reports it for a listening TCP socket through {@code TCP_INFO}. UNIX-socket ports have
 * no such figure and read -1.
 */
final class ListenQueueGauge {
    private final List<Pool> pools;
    private final ProcessLog log;
    private volatile boolean failureLogged;

    ListenQueueGauge(List<Pool> pools, ProcessLog log) {
        this.pools = pools;
        this.log = log;
    }

    /** Connections waiting in each port's accept queue now, in port order; -1 where it cannot be read. */
    int[] depths() {
        int[] depths = new int[pools.size()];
        for (int i = 0; i < depths.length; i++) {
            depths[i] = depth(pools.get(i).socket);
        }
        return depths;
    }

    /** The sum over every port that has a figure; 0 when none has. */
    static int total(int[] depths) {
        int sum = 0;
        for (int depth : depths) {
            sum += Math.max(0, depth);
        }
        return sum;
    }

    private int depth(ListeningSocket socket) {
        if (socket.spec().isUnix()) {
            return -1;
        }
        try {
            return Posix.listenQueue(socket.fd())[0];
        } catch (PosixException | IllegalStateException e) {
            if (!failureLogged) {
                failureLogged = true;
                log.warning("cannot read the listen queue of " + socket.boundAddress() + ": " + e.getMessage()
                        + "; the status port shows -1 for it");
            }
            return -1;
        }
    }
}
