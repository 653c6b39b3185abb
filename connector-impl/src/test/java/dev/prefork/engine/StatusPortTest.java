package dev.prefork.engine;

import dev.prefork.engine.config.EngineConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The supervisor's status and agent-check ports, against real worker processes held busy by real
 * clients: every format answers within a second, the listen queue is measured, the OpenMetrics text
 * parses with the Prometheus client's own parser, and bad clients cost a bounded amount.
 */
class StatusPortTest extends EngineTestSupport {
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(ANSWER_WITHIN).build();

    /**
     * A pool with both ports, once every worker is idle in its accept loop (a worker says hello before
     * its first turn at accept, so "accepting" alone does not mean idle yet). The first request also
     * warms up this JVM's HTTP client, which the timed requests must not pay for.
     */
    private PreforkEngine startWithStatus(int workers) throws Exception {
        // Busy workers and the listen queue as the scoreboard shows them: one client per worker (max_clients 0).
        PreforkEngine engine = start(config(workers).set(EngineConfig.STATUS_PORT, "0").set(EngineConfig.AGENT_PORT, "0")
                .set(EngineConfig.MAX_CLIENTS, "0"));
        String address = engine.statusAddress().orElseThrow();
        http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/health")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        awaitJson(engine, j -> number(j, "idle_workers") == workers, "every worker idle");
        return engine;
    }

    private HttpResponse<String> get(PreforkEngine engine, String pathAndQuery) throws Exception {
        String address = engine.statusAddress().orElseThrow();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + pathAndQuery)).timeout(ANSWER_WITHIN).build();
        long started = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(millis < ANSWER_WITHIN.toMillis(), pathAndQuery + " answered in " + millis + " ms");
        return response;
    }

    /** Polls {@code /status?json} until {@code condition} holds: the scoreboard and the kernel announce nothing. */
    private String awaitJson(PreforkEngine engine, Predicate<String> condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String json = get(engine, "/status?json").body();
        while (!condition.test(json)) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what + "; last status: " + json);
            }
            Thread.sleep(50);
            json = get(engine, "/status?json").body();
        }
        return json;
    }

    private static long number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?\\d+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Long.parseLong(m.group(1));
    }

    private static String agentLine(PreforkEngine engine) throws IOException {
        return AgentCheck.line(engine.agentAddress().orElseThrow());
    }

    @Test
    void everyFormatAnswersWithinASecondWhileEveryWorkerIsBusyAndTheListenQueueRisesAndFalls() throws Exception {
        PreforkEngine engine = startWithStatus(2);
        int port = engine.boundPort(0);
        assertTrue(engine.statusAddress().orElseThrow().startsWith("127.0.0.1:"), "loopback by default");
        assertEquals("up ready 100%", agentLine(engine));
        assertEquals(200, get(engine, "/health").statusCode());

        List<LineClient> busy = new ArrayList<>();
        List<LineClient> waiting = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                LineClient client = new LineClient(port);
                busy.add(client);
                assertEquals("hold " + i, client.roundTrip("hold " + i));
            }
            for (int i = 0; i < 3; i++) {
                LineClient client = new LineClient(port);
                waiting.add(client);
                client.send("queued " + i);
            }
            String json = awaitJson(engine, j -> number(j, "listen_queue") == 3, "three connections in the listen queue");
            assertEquals(2, number(json, "busy_workers"));
            assertEquals(0, number(json, "idle_workers"));

            String text = get(engine, "/status").body();
            assertTrue(text.contains("busy workers:         2"), text);
            assertTrue(text.contains("listen queue:         3"), text);
            Matcher scoreboard = Pattern.compile("scoreboard: +(\\S+)").matcher(text);
            assertTrue(scoreboard.find(), text);
            assertEquals(2, scoreboard.group(1).chars().filter(c -> c == 'P').count(), text);
            assertEquals(scoreboard.group(1).length() - 2, scoreboard.group(1).chars().filter(c -> c == '.').count(), text);

            String full = get(engine, "/status?full").body();
            for (LineClient client : busy) {
                assertTrue(full.contains(client.localAddress()), "the table names every client being served: " + full);
            }
            String fullJson = get(engine, "/status?json&full").body();
            assertTrue(Pattern.compile("\"rss_kb\":[1-9]\\d{3,}").matcher(fullJson).find(), "RSS of each worker: " + fullJson);
            HttpResponse<String> metrics = get(engine, "/status?openmetrics");
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
            assertTrue(metrics.body().contains("prefork_workers{pool=\"test\",state=\"processing\"} 2"), metrics.body());
            assertTrue(metrics.body().endsWith("# EOF\n"));
            HttpResponse<String> html = get(engine, "/status?html");
            assertTrue(html.body().contains("http-equiv=\"refresh\""), html.body());
            assertTrue(html.body().contains(busy.get(0).localAddress()), html.body());
            assertEquals(200, get(engine, "/health").statusCode());
            assertEquals("up ready 1%", agentLine(engine), "a saturated pool asks for the least weight");

            awaitJson(engine, j -> number(j, "all_workers_busy_times") >= 1 && number(j, "max_busy_workers") == 2
                    && number(j, "max_listen_queue") >= 3, "the sampler to see the saturation");
        } finally {
            for (LineClient client : busy) {
                client.close();
            }
        }
        for (int i = 0; i < waiting.size(); i++) {
            assertEquals("queued " + i, waiting.get(i).readLine(), "a queued client is served once workers are free");
            waiting.get(i).close();
        }
        String json = awaitJson(engine, j -> number(j, "listen_queue") == 0 && number(j, "busy_workers") == 0,
                "the listen queue to empty");
        assertEquals(5, number(json, "accepted_connections"));
        assertEquals(3, number(json, "max_listen_queue"));
    }

    @Test
    void clientsHandedOverAtOnceAreCountedWhereTheControllingJvmHoldsThem() throws Exception {
        // max_clients (the default): workers hand their clients over at once and look idle on the scoreboard.
        PreforkEngine engine = start(config(2).set(EngineConfig.STATUS_PORT, "0").set(EngineConfig.FIRST_BYTE_TIMEOUT, "600"));
        http.send(HttpRequest.newBuilder(URI.create("http://" + engine.statusAddress().orElseThrow() + "/health"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()); // warms up this JVM's client
        try (Socket holder = new Socket(); Socket silent = new Socket()) {
            holder.connect(new InetSocketAddress("127.0.0.1", engine.boundPort(0)), 10_000);
            holder.setSoTimeout(30_000);
            holder.getOutputStream().write("held\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals('h', holder.getInputStream().read(), "the holder is in service");
            silent.connect(new InetSocketAddress("127.0.0.1", engine.boundPort(0)), 10_000);
            // Awaited with the counts: the worker that handed the silent client over marks itself idle a moment later.
            String json = awaitJson(engine, j -> number(j, "clients_in_service") == 1 && number(j, "clients_waiting_first_byte") == 1
                            && number(j, "idle_workers") == 2,
                    "one client in service, one waiting for its first bytes, both workers idle");
            assertEquals(1000, number(json, "max_clients"));
            assertEquals(0, number(json, "clients_waiting_slot"));
            assertEquals(0, number(json, "first_byte_timeouts"));
            assertEquals(0, number(json, "busy_refusals_max_wait"));
            assertEquals(2, number(json, "idle_workers"), "the workers are free while their clients are served here");
            assertTrue(get(engine, "/status").body().contains("clients waiting:      1 for their first bytes, 0 for a slot"));
            String metrics = get(engine, "/status?openmetrics").body();
            assertTrue(metrics.contains("prefork_clients{pool=\"test\",state=\"in_service\"} 1\n"), metrics);
            assertTrue(metrics.contains("prefork_clients{pool=\"test\",state=\"waiting_first_byte\"} 1\n"), metrics);
            assertTrue(metrics.contains("prefork_busy_refusals_total{pool=\"test\",reason=\"max_wait\"} 0\n"), metrics);
            assertEquals(1, engine.status().number("clients_in_service"), "the controlling JVM's status request sees them too");
        }
        awaitJson(engine, j -> number(j, "clients_in_service") == 0 && number(j, "clients_waiting_first_byte") == 0,
                "both gone once they closed");
    }

    @Test
    void openMetricsParsesWithThePrometheusClientsParser() throws Exception {
        String python = pythonWithPrometheusClient();
        Assumptions.assumeTrue(python != null, "skipped: no python3 with prometheus_client (Debian: apt-get install -y python3-prometheus-client)");
        PreforkEngine engine = startWithStatus(2);
        assertEquals("x", LineClient.echoOnce(engine.boundPort(0), "x"));
        String body = get(engine, "/status?openmetrics").body();
        // What Prometheus sends: its Accept header, or a scrape config's params.
        HttpResponse<String> negotiated = http.send(HttpRequest.newBuilder(URI.create("http://" + engine.statusAddress().orElseThrow()
                + "/status")).header("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
                .timeout(ANSWER_WITHIN).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(negotiated.body().endsWith("# EOF\n"), negotiated.body());
        assertTrue(get(engine, "/status?format=openmetrics").body().endsWith("# EOF\n"));
        assertTrue(get(engine, "/status?openmetrics=").body().endsWith("# EOF\n"));
        Path exposition = Files.createTempFile("prefork-openmetrics", ".txt");
        try {
            Files.writeString(exposition, body);
            String script = "import sys\n"
                    + "from prometheus_client.openmetrics.parser import text_string_to_metric_families\n"
                    + "for f in text_string_to_metric_families(open(sys.argv[1]).read()):\n"
                    + "    for s in f.samples:\n"
                    + "        print(f.type, s.name, sorted(s.labels.items()), s.value)\n";
            Process process = new ProcessBuilder(python, "-c", script, exposition.toString()).redirectErrorStream(true).start();
            String out;
            try (InputStream in = process.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the parser finished");
            assertEquals(0, process.exitValue(), "the parser accepted the exposition:\n" + out + "\n" + body);
            assertTrue(out.contains("counter prefork_accepted_connections_total [('pool', 'test')] 1"), out);
            assertTrue(out.contains("gauge prefork_max_servers [('pool', 'test')] 2"), out);
            assertTrue(out.contains("info prefork_pool_info [('handoff', "), out);
        } finally {
            Files.deleteIfExists(exposition);
        }
    }

    /** Debian's python3 first (the package installs there), then whatever python3 the PATH has. */
    /**
     * drain_timeout: a stopping pool first tells balancers to drain (agent {@code drain}, {@code /health}
     * 503 draining) while it keeps serving for that long, then stops; the agent port closes with it.
     */
    @Test
    void aStopWithDrainTimeoutReportsDrainAndKeepsServingFirst() throws Exception {
        PreforkEngine engine = start(config(2).set(EngineConfig.STATUS_PORT, "0").set(EngineConfig.AGENT_PORT, "0")
                .set(EngineConfig.DRAIN_TIMEOUT, "8"));
        int port = engine.boundPort(0);
        assertTrue(Processes.eventually(Duration.ofSeconds(20), () -> agentLineOrEmpty(engine).startsWith("up ready")));
        long stopStarted = System.nanoTime();
        Thread stopper = new Thread(engine::stop, "stop-with-drain");
        stopper.start();
        try {
            assertTrue(Processes.eventually(Duration.ofSeconds(3), () -> agentLineOrEmpty(engine).equals("drain")),
                    "the agent says drain at once");
            // Not timed (get() is, for a warm status port): this is the port's first request.
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://" + engine.statusAddress().orElseThrow()
                    + "/health")).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, health.statusCode());
            assertEquals("draining\n", health.body());
            assertEquals("still served", LineClient.echoOnce(port, "still served"), "the pool keeps serving while it drains");
        } finally {
            stopper.join(TimeUnit.SECONDS.toMillis(120));
        }
        assertTrue(!stopper.isAlive());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopStarted);
        assertTrue(millis >= 7_500, "stopped after drain_timeout, not at once: " + millis + " ms");
        assertEquals("", agentLineOrEmpty(engine), "the agent port is closed once stopped");
    }

    /** The agent's line, or "" when it does not answer (not bound yet, or closed). */
    private static String agentLineOrEmpty(PreforkEngine engine) {
        return AgentCheck.lineOrEmpty(engine.agentAddress().orElseThrow());
    }

    private static String pythonWithPrometheusClient() {
        for (String candidate : new String[] {"/usr/bin/python3", "python3"}) {
            try {
                Process probe = new ProcessBuilder(candidate, "-c", "import prometheus_client.openmetrics.parser")
                        .redirectErrorStream(true).start();
                probe.getInputStream().transferTo(OutputStream.nullOutputStream());
                if (probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                    return candidate;
                }
                probe.destroyForcibly();
            } catch (IOException e) {
                // not there; try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    @Test
    void silenceGarbageFloodsAndEarlyClosesCostTheStatusPortABoundedAmount() throws Exception {
        PreforkEngine engine = startWithStatus(1);
        String address = engine.statusAddress().orElseThrow();
        int statusPort = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));

        List<Socket> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                Socket socket = new Socket("127.0.0.1", statusPort);
                socket.setSoTimeout(15_000);
                silent.add(socket);
            }
            // A flood of connections that close at once, some after half a request.
            for (int i = 0; i < 200; i++) {
                try (Socket socket = new Socket("127.0.0.1", statusPort)) {
                    if (i % 2 == 0) {
                        socket.getOutputStream().write("GET /sta".getBytes(StandardCharsets.US_ASCII));
                    }
                }
            }
            try (Socket garbage = new Socket("127.0.0.1", statusPort)) {
                garbage.setSoTimeout(5_000);
                garbage.getOutputStream().write("\u0000\u0001 not http at all\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                String reply;
                try {
                    reply = new String(garbage.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                } catch (java.net.SocketException e) {
                    reply = ""; // reset: closed with our garbage unread
                }
                assertTrue(reply.isEmpty() || reply.startsWith("HTTP/1.1 400") || reply.startsWith("HTTP/1.1 404"),
                        "garbage is refused: " + reply);
            }
            assertEquals(405, http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/status"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).timeout(ANSWER_WITHIN).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(404, get(engine, "/nothing").statusCode());
            assertTrue(get(engine, "/status").body().contains("pool:                 test"), "still answers");
            // Silent connections are closed by the server within its request time (5 s), not kept.
            long started = System.nanoTime();
            for (Socket socket : silent) {
                assertEquals(-1, socket.getInputStream().read(), "a silent client is disconnected");
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            assertTrue(seconds <= 10, "closed within " + seconds + " s");
        } finally {
            for (Socket socket : silent) {
                socket.close();
            }
        }
        assertEquals("x", LineClient.echoOnce(engine.boundPort(0), "x"), "the pool itself is unaffected");
    }

    @Test
    void agentCheckAnswersOneLineEvenToAClientThatSendsAndKeepsItsSideOpen() throws Exception {
        PreforkEngine engine = startWithStatus(1);
        String address = engine.agentAddress().orElseThrow();
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        try (Socket chatty = new Socket("127.0.0.1", port)) {
            chatty.setSoTimeout(5_000);
            chatty.getOutputStream().write("hello agent\n".getBytes(StandardCharsets.US_ASCII));
            byte[] line = new byte[64];
            int n = chatty.getInputStream().read(line);
            assertEquals("up ready 100%\n", new String(line, 0, n, StandardCharsets.US_ASCII));
            assertEquals(-1, chatty.getInputStream().read(), "closed after the line, within a bounded time");
        }
        assertEquals("up ready 100%", agentLine(engine));
    }
}
