package dev.prefork.engine;

import dev.prefork.standalone.LauncherCommand;
import dev.prefork.standalone.LauncherOutput;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The standalone launcher as an operator runs it: {@code kill -HUP} makes it read its conf_file again,
 * apply what a running pool can take, replace every worker, and say which change waits for a restart. It is
 * started under {@code nohup}, as daemons often are: SIGHUP arrives ignored, and the launcher honours it all
 * the same, as Net::Server does (and so this test passes whether or not the suite itself runs under nohup).
 */
class StandaloneHangupTest extends EngineTestSupport {

    private static long number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(-?\\d+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Long.parseLong(m.group(1));
    }

    @Test
    void hangupRereadsTheConfFileAndResizesTheRunningPool() throws Exception {
        Path conf = Files.createTempFile("prefork-hup", ".conf");
        Process launcher = null;
        try {
            Files.writeString(conf, "port 127.0.0.1:0\nmax_servers 2\nstatus_port 0\nname hup-test\n");
            List<String> command = new ArrayList<>(List.of("nohup"));
            command.addAll(LauncherCommand.of("--handler", "echo", "--conf_file", conf.toString()));
            launcher = new ProcessBuilder(command).start();
            launcher.getOutputStream().close();
            BlockingQueue<String> lines = LauncherOutput.follow(launcher.getInputStream(), launcher.getErrorStream());
            Matcher status = Pattern.compile("status on (http://\\S+/status)").matcher(LauncherOutput.awaitLine(lines, "status on http://"));
            assertTrue(status.find());
            LauncherOutput.awaitLine(lines, "prefork: SIGHUP was ignored when this process started");
            URI json = URI.create(status.group(1) + "?json");
            HttpClient http = HttpClient.newHttpClient();
            awaitJson(http, json, "\"idle_workers\":2");

            Files.writeString(conf, "port 127.0.0.1:0\nmax_servers 3\nmax_requests 40\nmax_requests_jitter 0\nstatus_port 0\n"
                    + "name hup-test\nserialize none\n");
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(launcher.pid())).inheritIO().start();
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0);

            String resized = LauncherOutput.awaitLine(lines, "max_servers changed");
            assertTrue(resized.contains("from 2 to 3 (conf_file " + conf + ")"), resized);
            LauncherOutput.awaitLine(lines, "serialize changed from flock to none");
            String body = awaitJson(http, json, "\"target_workers\":3");
            assertEquals(40, number(body, "max_requests"));
            // Both old workers are replaced. The third, spawned by the resize, is replaced too when it was
            // already running as the rolling restart began (the two arrive together): 2 or 3, never fewer.
            long restarted = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (restarted < 2 && System.nanoTime() < deadline) {
                restarted = number(awaitJson(http, json, "\"restart\":"), "restart");
                Thread.sleep(50); // the scoreboard announces nothing: poll it, bounded
            }
            assertTrue(restarted == 2 || restarted == 3, "workers replaced by the restart: " + restarted);
        } finally {
            if (launcher != null) {
                launcher.destroy(); // SIGTERM: the launcher stops its pool gracefully
                if (!launcher.waitFor(60, TimeUnit.SECONDS)) {
                    launcher.destroyForcibly();
                }
            }
            Files.deleteIfExists(conf);
        }
        assertEquals(143, launcher.exitValue(), "stopped by SIGTERM through its shutdown hook");
    }

    private static String awaitJson(HttpClient http, URI uri, String containing) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String body = "";
        while (System.nanoTime() < deadline) {
            try {
                body = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            } catch (java.net.http.HttpTimeoutException e) {
                body = "(no answer within 5 s: " + e.getMessage() + ")"; // a loaded machine; the 60 s deadline is the bound
                continue;
            }
            if (body.contains(containing)) {
                return body;
            }
            Thread.sleep(50); // the scoreboard announces nothing: poll it, bounded
        }
        fail("timed out waiting for " + containing + " in " + body);
        return body;
    }
}
