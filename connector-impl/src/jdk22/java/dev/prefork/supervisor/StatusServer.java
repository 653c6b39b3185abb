package dev.prefork.supervisor;

import dev.prefork.engine.protocol.LogThrottle;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.prefork.engine.config.PortSpec;
import dev.prefork.engine.protocol.ProcessLog;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The supervisor's status port ({@code status_port}): HTTP GET {@code /status} and {@code /health},
 * served by the JDK's own HttpServer. It runs in the supervisor, never in a worker, so it answers while
 * every worker is busy.
 *
 * <p>Its cost is bounded whatever clients do: two handler threads and a queue of eight (an exchange
 * beyond them is closed at once), at most {@value #MAX_CONNECTIONS} connections (more wait in the
 * listen backlog), a request must arrive within {@value #REQUEST_SECONDS} s and its headers are
 * small; HttpServer answers garbage with 400 itself. These are HttpServer's own system properties,
 * set once in this process (which runs nothing else that uses HttpServer).
 */
final class StatusServer implements AutoCloseable {
    static final int MAX_CONNECTIONS = 32;
    static final int REQUEST_SECONDS = 5;
    private static final int HANDLER_THREADS = 2;
    private static final int QUEUED_EXCHANGES = 8;
    private static final int BACKLOG = 16;

    private final HttpServer server;
    private final ThreadPoolExecutor handlers;
    /** Complaints about clients, at most one line per 10 s with a count: a flood cannot flood the log. */
    private final LogThrottle complaints = new LogThrottle(10, TimeUnit.SECONDS);
    private final ProcessLog log;

    private StatusServer(HttpServer server, ThreadPoolExecutor handlers, ProcessLog log) {
        this.server = server;
        this.handlers = handlers;
        this.log = log;
    }

    /**
     * Binds {@code address} and starts answering. {@code reports} reads the pool now (its argument:
     * with every worker's memory, for {@code ?full}); {@code phase} says whether the pool accepts.
     */
    static StatusServer start(PortSpec address, Function<Boolean, StatusReport> reports, ProcessLog log) throws IOException {
        limitHttpServer();
        InetSocketAddress bind = PortSpec.ANY_HOST.equals(address.host())
                ? new InetSocketAddress(address.port())
                : new InetSocketAddress(address.host(), address.port());
        HttpServer server;
        try {
            server = HttpServer.create(bind, BACKLOG);
        } catch (IOException e) {
            throw new IOException("status_port " + address + ": " + e.getMessage(), e);
        }
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor handlers = new ThreadPoolExecutor(HANDLER_THREADS, HANDLER_THREADS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED_EXCHANGES), task -> {
                    Thread thread = new Thread(task, "prefork-status-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
        StatusServer status = new StatusServer(server, handlers, log);
        // HttpServer closes an exchange its executor rejects; we only note that it happened.
        server.setExecutor(task -> {
            try {
                handlers.execute(task);
            } catch (RuntimeException e) {
                status.complaints.warning(log, "status port: more requests at once than it serves; closing the excess connections");
                throw e;
            }
        });
        server.createContext("/status", exchange -> status.answer(exchange, () -> {
            Set<String> flags = queryFlags(exchange);
            StatusReport report = reports.apply(flags.contains("full"));
            if (flags.contains("json")) {
                return new Reply(200, StatusFormats.JSON_TYPE, StatusFormats.json(report, flags.contains("full")));
            }
            if (flags.contains("openmetrics")) {
                return new Reply(200, StatusFormats.OPENMETRICS_TYPE, StatusFormats.openMetrics(report));
            }
            if (flags.contains("html")) {
                return new Reply(200, StatusFormats.HTML_TYPE, StatusFormats.html(report));
            }
            return new Reply(200, StatusFormats.TEXT_TYPE, StatusFormats.text(report, flags.contains("full")));
        }));
        server.createContext("/health", exchange -> status.answer(exchange, () -> {
            StatusReport report = reports.apply(false);
            String phase = PoolHealth.of(report.phase(), report.ready());
            return new Reply(phase.equals(PoolHealth.OK) ? 200 : 503, StatusFormats.TEXT_TYPE, phase + "\n");
        }));
        server.createContext("/", exchange -> status.answer(exchange,
                () -> new Reply(404, StatusFormats.TEXT_TYPE, "not found; try /status, /status?full, ?json, ?openmetrics, ?html, or /health\n")));
        server.start();
        log.info("status port on " + boundAddress(server) + ": /status and /health");
        return status;
    }

    /** What was really bound, {@code host:port}, with the kernel's port when 0 was asked for. */
    String boundAddress() {
        return boundAddress(server);
    }

    private static String boundAddress(HttpServer server) {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private record Reply(int status, String type, String body) {
    }

    @FunctionalInterface
    private interface ReplyMaker {
        Reply make() throws IOException;
    }

    private void answer(HttpExchange exchange, ReplyMaker maker) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            Reply reply;
            if (!method.equals("GET") && !method.equals("HEAD")) {
                complaints.warning(log, "status port: " + exchange.getRemoteAddress() + " sent " + printable(method) + "; only GET is served");
                reply = new Reply(405, StatusFormats.TEXT_TYPE, "only GET\n");
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            } else {
                reply = maker.make();
            }
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", reply.type());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = method.equals("HEAD");
            exchange.sendResponseHeaders(reply.status(), head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException | RuntimeException e) {
            complaints.warning(log, "status port: answering " + exchange.getRemoteAddress() + " failed: " + e);
        }
    }

    /**
     * {@code ?json&full} gives {json, full}; {@code format=json} and {@code json=} read as {@code json}
     * too. Without a format, a client that accepts OpenMetrics (a Prometheus scraper) gets it.
     */
    private static Set<String> queryFlags(HttpExchange exchange) {
        Set<String> flags = new HashSet<>();
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            for (String part : query.split("&", 16)) {
                int eq = part.indexOf('=');
                String key = eq >= 0 ? part.substring(0, eq) : part;
                flags.add(key.equals("format") ? part.substring(eq + 1) : key);
            }
        }
        boolean formatGiven = flags.contains("json") || flags.contains("openmetrics") || flags.contains("html");
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        if (!formatGiven && accept != null && accept.contains("application/openmetrics-text")) {
            flags.add("openmetrics");
        }
        return flags;
    }

    private static String printable(String text) {
        String cut = text.length() > 32 ? text.substring(0, 32) + "..." : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** HttpServer reads these once, when its classes load; they must be set before the first server. */
    private static void limitHttpServer() {
        setIfAbsent("jdk.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS));
        setIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
        setIfAbsent("sun.net.httpserver.maxRspTime", Integer.toString(REQUEST_SECONDS));
        setIfAbsent("sun.net.httpserver.idleInterval", Integer.toString(REQUEST_SECONDS));
        setIfAbsent("sun.net.httpserver.maxIdleConnections", "4");
        setIfAbsent("sun.net.httpserver.maxReqHeaders", "32");
        setIfAbsent("sun.net.httpserver.maxReqHeaderSize", "8192");
        setIfAbsent("sun.net.httpserver.drainAmount", "4096");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
