/**
 * PreForkSimple's dequeue jobs ({@code check_for_dequeue}, {@code max_dequeue}, {@code run_dequeue}),
 * scheduled once for every host: {@link dev.prefork.dequeue.DequeueSchedule} starts a job every
 * {@code check_for_dequeue} seconds unless {@code max_dequeue} still run, and ends them at stop. What a
 * job is belongs to the host: a command in the standalone launcher, a call of
 * {@link dev.prefork.api.PreforkDequeue#runDequeue()} on a WorkManager thread in the resource adapter
 * or on a thread of its own in the Weld SE host ({@link dev.prefork.dequeue.CallJob}). Depends on the
 * JDK, {@code connector-api} and the engine's settings and log throttle.
 */
package dev.prefork.dequeue;
