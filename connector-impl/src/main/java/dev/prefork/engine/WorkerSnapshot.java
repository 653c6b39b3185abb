package dev.prefork.engine;

import java.time.Instant;

/**
 * One worker process at the moment of a {@link PoolSnapshot}.
 *
 * @param slot       its slot in the scoreboard
 * @param pid        its process id
 * @param portIndex  the index in {@code port} of the port it serves
 * @param state      what it is doing
 * @param served     connections it has finished
 * @param startedAt  when it started
 * @param stateSince when it entered {@code state}
 * @param peer       the client it is serving (address:port), or empty when it serves none
 */
public record WorkerSnapshot(int slot, long pid, int portIndex, WorkerState state, long served,
                             Instant startedAt, Instant stateSince, String peer) {
}
