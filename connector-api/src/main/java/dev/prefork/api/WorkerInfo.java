package dev.prefork.api;

import java.time.Instant;

/**
 * Facts about the worker process that accepted a connection.
 *
 * @param pid              the worker's operating-system process id
 * @param slot             the worker's slot in the pool, from 0 to {@code max_servers - 1}; a replacement
 *                         worker takes over the slot of the one it replaces
 * @param connectionNumber the number of this connection among those the worker accepted, starting at 1;
 *                         the worker exits after {@code max_requests} of them
 * @param startedAt        when the worker process started
 */
public record WorkerInfo(long pid, int slot, long connectionNumber, Instant startedAt) {
}
