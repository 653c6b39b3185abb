package dev.prefork.supervisor;

import dev.prefork.bridge.ClientFigures;
import dev.prefork.engine.ClientFiguresPublisher;
import dev.prefork.engine.WorkerState;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link StatusReport} as the status port serves it: plain text (the default), JSON,
 * OpenMetrics text exposition (what Prometheus scrapes) and a small HTML page that refreshes itself.
 * The worker table appears in text, JSON and HTML when asked for ({@code ?full}).
 */
final class StatusFormats {
    static final String TEXT_TYPE = "text/plain; charset=utf-8";
    static final String JSON_TYPE = "application/json";
    static final String OPENMETRICS_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    static final String HTML_TYPE = "text/html; charset=utf-8";
    /** Seconds between reloads of the HTML page. */
    static final int HTML_REFRESH_SECONDS = 2;

    private static final String LEGEND = "_ waiting, A accepting, P processing, S starting, X exiting, B backing off, . empty";

    private StatusFormats() {
    }

    static String text(StatusReport r, boolean full) {
        StringBuilder out = new StringBuilder();
        StatusReport.Settings s = r.settings();
        out.append("pool:                 ").append(r.name()).append('\n');
        out.append("supervisor pid:       ").append(r.supervisorPid()).append('\n');
        out.append("start time:           ").append(Instant.ofEpochMilli(r.startedMillis())).append('\n');
        out.append("uptime:               ").append(r.uptimeMillis() / 1000).append(" s\n");
        out.append("phase:                ").append(phase(r)).append('\n');
        out.append("max_servers:          ").append(s.maxServers()).append(" per port\n");
        out.append("max_requests:         ").append(s.maxRequests()).append(" (+0 to ").append(s.maxRequestsJitter()).append(" jitter)\n");
        out.append("serialize:            ").append(s.serialize()).append('\n');
        out.append("handoff:              ").append(s.handoff()).append('\n');
        out.append("accepted connections: ").append(r.accepted()).append('\n');
        out.append("listen queue:         ").append(r.listenQueue()).append('\n');
        out.append("max listen queue:     ").append(r.counters().listenQueueMax()).append('\n');
        for (StatusReport.Port port : r.ports()) {
            out.append("  port ").append(port.address()).append(": listen queue ").append(port.listenQueue()).append('\n');
        }
        out.append("target workers:       ").append(r.target()).append('\n');
        out.append("idle workers:         ").append(r.idle()).append('\n');
        out.append("busy workers:         ").append(r.count(WorkerState.PROCESSING)).append('\n');
        out.append("starting workers:     ").append(r.count(WorkerState.STARTING)).append('\n');
        out.append("exiting workers:      ").append(r.count(WorkerState.EXITING)).append('\n');
        out.append("max busy at once:     ").append(r.counters().maxBusy()).append('\n');
        out.append("all workers busy:     ").append(r.counters().allBusyTimes()).append(" times\n");
        out.append("successors ahead:     ").append(r.successorsAhead()).append(" now; ")
                .append(r.counters().successorsStartedEarly()).append(" started before their worker's last connection\n");
        out.append("held for successors:  ").append(r.held()).append(" now; ").append(r.counters().heldPastLimit())
                .append(" reached max_requests first and served on (recycling outpaced start-up)\n");
        out.append("replaced workers:    ");
        for (Map.Entry<Departure, Long> e : r.counters().departures().entrySet()) {
            out.append(' ').append(e.getKey().label()).append(' ').append(e.getValue());
        }
        out.append('\n');
        out.append("scoreboard:           ").append(r.scoreboardLine()).append('\n');
        out.append("                      (").append(LEGEND).append(")\n");
        ClientFigures c = r.clients();
        out.append("clients in service:   ").append(c.inService()).append(c.maxClients() > 0
                ? " (max_clients " + c.maxClients() + ")" : " (max_clients 0: one per worker)").append('\n');
        out.append("clients waiting:      ").append(c.waitingFirstByte()).append(" for their first bytes, ")
                .append(c.waitingSlot()).append(" for a slot\n");
        out.append("first-byte timeouts:  ").append(c.firstByteTimeouts()).append('\n');
        out.append("busy refusals:        ").append(c.refusedMaxWait()).append(" after max_wait, ")
                .append(c.refusedNoThread()).append(" with no thread free\n");
        if (full) {
            out.append('\n').append(String.format(Locale.ROOT, "%5s %8s %4s %-10s %-24s %9s %10s %8s  %-22s  %s%n",
                    "slot", "pid", "port", "state", "since", "served", "busy ms", "rss kB", "recycling", "client"));
            for (StatusReport.WorkerRow w : r.workers()) {
                out.append(String.format(Locale.ROOT, "%5d %8d %4d %-10s %-24s %9d %10s %8d  %-22s  %s%n",
                        w.slot(), w.pid(), w.portIndex(), state(w), Instant.ofEpochMilli(w.sinceMillis()), w.served(),
                        w.state() == WorkerState.PROCESSING ? Long.toString(r.takenMillis() - w.sinceMillis()) : "-",
                        w.rssKb(), w.recycling().isEmpty() ? "-" : w.recycling(), w.client()));
            }
        }
        return out.toString();
    }

    static String json(StatusReport r, boolean full) {
        StatusReport.Settings s = r.settings();
        StringBuilder out = new StringBuilder("{");
        field(out, "pool", r.name()).append(',');
        number(out, "supervisor_pid", r.supervisorPid()).append(',');
        field(out, "start_time", Instant.ofEpochMilli(r.startedMillis()).toString()).append(',');
        number(out, "uptime_seconds", r.uptimeMillis() / 1000).append(',');
        field(out, "phase", phase(r)).append(',');
        number(out, "max_servers", s.maxServers()).append(',');
        number(out, "max_requests", s.maxRequests()).append(',');
        number(out, "max_requests_jitter", s.maxRequestsJitter()).append(',');
        number(out, "graceful_shutdown_timeout", s.gracefulShutdownTimeout()).append(',');
        field(out, "serialize", s.serialize()).append(',');
        field(out, "handoff", s.handoff()).append(',');
        number(out, "accepted_connections", r.accepted()).append(',');
        number(out, "listen_queue", r.listenQueue()).append(',');
        number(out, "max_listen_queue", r.counters().listenQueueMax()).append(',');
        out.append("\"ports\":[");
        for (int i = 0; i < r.ports().size(); i++) {
            StatusReport.Port port = r.ports().get(i);
            out.append(i > 0 ? ",{" : "{");
            field(out, "address", port.address()).append(',');
            number(out, "listen_queue", port.listenQueue()).append('}');
        }
        out.append("],");
        number(out, "target_workers", r.target()).append(',');
        number(out, "idle_workers", r.idle()).append(',');
        number(out, "busy_workers", r.count(WorkerState.PROCESSING)).append(',');
        number(out, "starting_workers", r.count(WorkerState.STARTING)).append(',');
        number(out, "exiting_workers", r.count(WorkerState.EXITING)).append(',');
        number(out, "max_busy_workers", r.counters().maxBusy()).append(',');
        number(out, "all_workers_busy_times", r.counters().allBusyTimes()).append(',');
        number(out, "successors_ahead", r.successorsAhead()).append(',');
        number(out, "successors_started_early", r.counters().successorsStartedEarly()).append(',');
        number(out, "held_workers", r.held()).append(',');
        number(out, "held_past_max_requests", r.counters().heldPastLimit()).append(',');
        out.append("\"replaced_workers\":{");
        boolean first = true;
        for (Map.Entry<Departure, Long> e : r.counters().departures().entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            number(out, e.getKey().label(), e.getValue());
        }
        out.append("},");
        field(out, "scoreboard", r.scoreboardLine()).append(',');
        ClientFigures c = r.clients();
        number(out, "max_clients", c.maxClients()).append(',');
        number(out, "clients_in_service", c.inService()).append(',');
        number(out, "clients_waiting_first_byte", c.waitingFirstByte()).append(',');
        number(out, "clients_waiting_slot", c.waitingSlot()).append(',');
        number(out, "first_byte_timeouts", c.firstByteTimeouts()).append(',');
        number(out, "busy_refusals_max_wait", c.refusedMaxWait()).append(',');
        number(out, "busy_refusals_no_thread", c.refusedNoThread());
        if (full) {
            out.append(",\"workers\":[");
            for (int i = 0; i < r.workers().size(); i++) {
                StatusReport.WorkerRow w = r.workers().get(i);
                out.append(i > 0 ? ",{" : "{");
                number(out, "slot", w.slot()).append(',');
                number(out, "pid", w.pid()).append(',');
                number(out, "port", w.portIndex()).append(',');
                field(out, "state", state(w)).append(',');
                field(out, "started", Instant.ofEpochMilli(w.startedMillis()).toString()).append(',');
                field(out, "since", Instant.ofEpochMilli(w.sinceMillis()).toString()).append(',');
                number(out, "served", w.served()).append(',');
                field(out, "recycling", w.recycling()).append(',');
                field(out, "client", w.client()).append(',');
                number(out, "busy_ms", w.state() == WorkerState.PROCESSING ? r.takenMillis() - w.sinceMillis() : 0).append(',');
                number(out, "rss_kb", w.rssKb()).append('}');
            }
            out.append(']');
        }
        return out.append("}\n").toString();
    }

    /**
     * The figures as one line of {@code key=value} words (values without spaces), for the controlling
     * JVM's status request: it has no JSON parser on JDK 17, and needs no worker table (that is the
     * snapshot's).
     */
    static String fields(StatusReport r) {
        StatusReport.Settings s = r.settings();
        StringBuilder out = new StringBuilder();
        out.append("name=").append(r.name())
                .append(" started=").append(r.startedMillis())
                .append(" taken=").append(r.takenMillis())
                .append(" phase=").append(phase(r))
                .append(" max_servers=").append(s.maxServers())
                .append(" max_requests=").append(s.maxRequests())
                .append(" max_requests_jitter=").append(s.maxRequestsJitter())
                .append(" graceful_shutdown_timeout=").append(s.gracefulShutdownTimeout())
                .append(" serialize=").append(s.serialize())
                .append(" handoff=").append(s.handoff())
                .append(" accepted_connections=").append(r.accepted())
                .append(" listen_queue=").append(r.listenQueue())
                .append(" max_listen_queue=").append(r.counters().listenQueueMax())
                .append(" target_workers=").append(r.target())
                .append(" ready_workers=").append(r.ready())
                .append(" idle_workers=").append(r.idle())
                .append(" busy_workers=").append(r.count(WorkerState.PROCESSING))
                .append(" starting_workers=").append(r.count(WorkerState.STARTING))
                .append(" exiting_workers=").append(r.count(WorkerState.EXITING))
                .append(" max_busy_workers=").append(r.counters().maxBusy())
                .append(" all_workers_busy_times=").append(r.counters().allBusyTimes())
                .append(" successors_ahead=").append(r.successorsAhead())
                .append(" successors_started_early=").append(r.counters().successorsStartedEarly())
                .append(" held_workers=").append(r.held())
                .append(" held_past_max_requests=").append(r.counters().heldPastLimit());
        for (Map.Entry<Departure, Long> e : r.counters().departures().entrySet()) {
            out.append(" replaced_").append(e.getKey().label()).append('=').append(e.getValue());
        }
        ClientFigures c = r.clients();
        out.append(" max_clients=").append(c.maxClients())
                .append(" clients_in_service=").append(c.inService())
                .append(" clients_waiting_first_byte=").append(c.waitingFirstByte())
                .append(" clients_waiting_slot=").append(c.waitingSlot())
                .append(" first_byte_timeouts=").append(c.firstByteTimeouts())
                .append(" busy_refusals_max_wait=").append(c.refusedMaxWait())
                .append(" busy_refusals_no_thread=").append(c.refusedNoThread());
        return out.append(" scoreboard=").append(r.scoreboardLine().replace(' ', '|')).toString();
    }

    /**
     * OpenMetrics 1.0 text: one family per figure with {@code # TYPE} and {@code # HELP}, every sample
     * labelled with the pool's name, counters ending in {@code _total}, and {@code # EOF} last.
     */
    static String openMetrics(StatusReport r) {
        StatusReport.Settings s = r.settings();
        String pool = "pool=\"" + labelValue(r.name()) + "\"";
        StringBuilder out = new StringBuilder();
        family(out, "prefork_pool", "info", "the pool's fixed settings");
        out.append("prefork_pool_info{").append(pool).append(",serialize=\"").append(labelValue(s.serialize()))
                .append("\",handoff=\"").append(labelValue(s.handoff())).append("\"} 1\n");
        gauge(out, "prefork_start_time_seconds", "when the supervisor started, seconds since the epoch", pool,
                String.format(Locale.ROOT, "%.3f", r.startedMillis() / 1000.0));
        gauge(out, "prefork_up", "1 while the pool accepts connections, 0 while it drains or stops", pool,
                r.phase() == PoolFigures.Phase.SERVING ? "1" : "0");
        gauge(out, "prefork_max_servers", "workers kept running per port (max_servers)", pool, Integer.toString(s.maxServers()));
        gauge(out, "prefork_max_requests", "connections a worker serves before it is replaced (0: unlimited)", pool,
                Integer.toString(s.maxRequests()));
        gauge(out, "prefork_target_workers", "workers the supervisor keeps running over every port", pool,
                Integer.toString(r.target()));
        family(out, "prefork_workers", "gauge", "live workers by state");
        for (WorkerState state : new WorkerState[] {WorkerState.STARTING, WorkerState.WAITING, WorkerState.ACCEPTING,
                WorkerState.PROCESSING, WorkerState.EXITING}) {
            out.append("prefork_workers{").append(pool).append(",state=\"").append(state.name().toLowerCase(Locale.ROOT))
                    .append("\"} ").append(r.count(state)).append('\n');
        }
        gauge(out, "prefork_max_busy_workers", "the most workers seen serving at once (sampled every "
                + SaturationSampler.PERIOD_MILLIS + " ms)", pool, Integer.toString(r.counters().maxBusy()));
        counter(out, "prefork_all_workers_busy", "times every worker was seen busy (max children reached)", pool,
                r.counters().allBusyTimes());
        gauge(out, "prefork_successors_ahead", "workers serving on whose successor was started before their last connection",
                pool, Long.toString(r.successorsAhead()));
        counter(out, "prefork_successors_started_early", "successors spawned before their worker's last connection", pool,
                r.counters().successorsStartedEarly());
        gauge(out, "prefork_held_workers", "workers that serve on past max_requests until their successor accepts", pool,
                Long.toString(r.held()));
        counter(out, "prefork_held_past_max_requests", "workers that reached max_requests before their successor accepted"
                + " and served on (recycling outpaced start-up)", pool, r.counters().heldPastLimit());
        counter(out, "prefork_accepted_connections", "connections accepted since the pool started", pool, r.accepted());
        family(out, "prefork_listen_queue", "gauge", "connections waiting in the port's accept queue");
        for (StatusReport.Port port : r.ports()) {
            if (port.listenQueue() >= 0) {
                out.append("prefork_listen_queue{").append(pool).append(",port=\"").append(labelValue(port.address()))
                        .append("\"} ").append(port.listenQueue()).append('\n');
            }
        }
        gauge(out, "prefork_max_listen_queue", "the deepest accept queue seen over every port (sampled every "
                + SaturationSampler.PERIOD_MILLIS + " ms)", pool, Integer.toString(r.counters().listenQueueMax()));
        family(out, "prefork_replaced_workers", "counter", "workers that left the pool, by reason");
        for (Map.Entry<Departure, Long> e : r.counters().departures().entrySet()) {
            out.append("prefork_replaced_workers_total{").append(pool).append(",reason=\"").append(e.getKey().label())
                    .append("\"} ").append(e.getValue()).append('\n');
        }
        ClientFigures c = r.clients();
        gauge(out, "prefork_max_clients", "connections in service or waiting for their first bytes in the controlling JVM"
                + " at once (max_clients; 0: one per worker)", pool, Long.toString(c.maxClients()));
        family(out, "prefork_clients", "gauge", "connections in the controlling JVM, by state (published every "
                + ClientFiguresPublisher.PERIOD_MILLIS + " ms)");
        out.append("prefork_clients{").append(pool).append(",state=\"in_service\"} ").append(c.inService()).append('\n');
        out.append("prefork_clients{").append(pool).append(",state=\"waiting_first_byte\"} ").append(c.waitingFirstByte())
                .append('\n');
        out.append("prefork_clients{").append(pool).append(",state=\"waiting_slot\"} ").append(c.waitingSlot()).append('\n');
        counter(out, "prefork_first_byte_timeouts", "connections closed unserved after first_byte_timeout", pool,
                c.firstByteTimeouts());
        family(out, "prefork_busy_refusals", "counter", "connections answered with the busy line, by reason");
        out.append("prefork_busy_refusals_total{").append(pool).append(",reason=\"max_wait\"} ").append(c.refusedMaxWait())
                .append('\n');
        out.append("prefork_busy_refusals_total{").append(pool).append(",reason=\"no_thread\"} ").append(c.refusedNoThread())
                .append('\n');
        return out.append("# EOF\n").toString();
    }

    static String html(StatusReport r) {
        StringBuilder out = new StringBuilder();
        out.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"")
                .append(HTML_REFRESH_SECONDS).append("\"><title>").append(escape(r.name())).append(" status</title>")
                .append("<style>body{font-family:sans-serif;margin:1em}td,th{padding:2px 8px;text-align:left}"
                        + "tr:nth-child(even){background:#f3f3f3}pre{font-size:1.2em}</style></head><body>\n");
        out.append("<h1>").append(escape(r.name())).append("</h1>\n<pre>").append(escape(text(r, false))).append("</pre>\n");
        out.append("<table><tr><th>slot</th><th>pid</th><th>port</th><th>state</th><th>since</th><th>served</th>"
                + "<th>busy ms</th><th>RSS kB</th><th>recycling</th><th>client</th></tr>\n");
        for (StatusReport.WorkerRow w : r.workers()) {
            out.append("<tr><td>").append(w.slot()).append("</td><td>").append(w.pid()).append("</td><td>")
                    .append(w.portIndex()).append("</td><td>").append(state(w)).append("</td><td>")
                    .append(Instant.ofEpochMilli(w.sinceMillis())).append("</td><td>").append(w.served()).append("</td><td>")
                    .append(w.state() == WorkerState.PROCESSING ? Long.toString(r.takenMillis() - w.sinceMillis()) : "")
                    .append("</td><td>").append(w.rssKb() >= 0 ? Long.toString(w.rssKb()) : "").append("</td><td>")
                    .append(escape(w.recycling())).append("</td><td>")
                    .append(escape(w.client())).append("</td></tr>\n");
        }
        return out.append("</table></body></html>\n").toString();
    }

    private static String phase(StatusReport r) {
        return r.phase().name().toLowerCase(Locale.ROOT);
    }

    private static String state(StatusReport.WorkerRow w) {
        String state = w.state().name().toLowerCase(Locale.ROOT);
        return w.leaving() && w.state() != WorkerState.EXITING ? state + "*" : state;
    }

    private static void family(StringBuilder out, String name, String type, String help) {
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, String labels, String value) {
        family(out, name, "gauge", help);
        out.append(name).append('{').append(labels).append("} ").append(value).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, String labels, long value) {
        family(out, name, "counter", help);
        out.append(name).append("_total{").append(labels).append("} ").append(value).append('\n');
    }

    /** An OpenMetrics label value: backslash, quote and newline escaped. */
    private static String labelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static StringBuilder field(StringBuilder out, String key, String value) {
        out.append('"').append(key).append("\":\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    private static StringBuilder number(StringBuilder out, String key, long value) {
        return out.append('"').append(key).append("\":").append(value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
