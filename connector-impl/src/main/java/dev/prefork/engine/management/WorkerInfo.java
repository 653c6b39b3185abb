package dev.prefork.engine.management;

import dev.prefork.engine.WorkerSnapshot;

import javax.management.openmbean.CompositeData;
import java.time.Instant;
import java.util.Locale;

/**
 * One row of the MXBean's worker table: MXBean mapping turns its getters into the items of a
 * {@code CompositeData} (jconsole shows it as a table), and {@link #from(CompositeData)} makes it again
 * for a proxy.
 */
public final class WorkerInfo {
    private final int slot;
    private final long pid;
    private final int port;
    private final String state;
    private final String startedAt;
    private final String since;
    private final long served;
    private final String client;
    private final long busyMillis;

    public WorkerInfo(int slot, long pid, int port, String state, String startedAt, String since, long served,
                      String client, long busyMillis) {
        this.slot = slot;
        this.pid = pid;
        this.port = port;
        this.state = state;
        this.startedAt = startedAt;
        this.since = since;
        this.served = served;
        this.client = client;
        this.busyMillis = busyMillis;
    }

    static WorkerInfo of(WorkerSnapshot worker, Instant now) {
        boolean busy = !worker.peer().isEmpty();
        return new WorkerInfo(worker.slot(), worker.pid(), worker.portIndex(), worker.state().name().toLowerCase(Locale.ROOT),
                worker.startedAt().toString(), worker.stateSince().toString(), worker.served(), worker.peer(),
                busy ? Math.max(0, now.toEpochMilli() - worker.stateSince().toEpochMilli()) : 0);
    }

    /** The reconstruction MXBean mapping uses for a proxy. */
    public static WorkerInfo from(CompositeData data) {
        return new WorkerInfo((Integer) data.get("slot"), (Long) data.get("pid"), (Integer) data.get("port"),
                (String) data.get("state"), (String) data.get("startedAt"), (String) data.get("since"),
                (Long) data.get("served"), (String) data.get("client"), (Long) data.get("busyMillis"));
    }

    /** Its slot in the scoreboard. */
    public int getSlot() {
        return slot;
    }

    public long getPid() {
        return pid;
    }

    /** The index in {@code port} of the port it serves. */
    public int getPort() {
        return port;
    }

    /** starting, waiting, accepting, processing or exiting. */
    public String getState() {
        return state;
    }

    public String getStartedAt() {
        return startedAt;
    }

    /** When it entered its state. */
    public String getSince() {
        return since;
    }

    /** Connections it finished. */
    public long getServed() {
        return served;
    }

    /** The client it serves (address:port), or empty. */
    public String getClient() {
        return client;
    }

    /** How long its current connection has lasted, or 0. */
    public long getBusyMillis() {
        return busyMillis;
    }
}
