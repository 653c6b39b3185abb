package dev.prefork.standalone;

import dev.prefork.posix.SyslogSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Net::Server's {@code log_file Sys::Syslog} with {@code syslog_ident}, {@code syslog_facility} (as
 * Net::Daemon's {@code facility}) and {@code syslog_logsock}, from a conf_file: a test-owned UNIX
 * datagram socket stands in for /dev/log and receives RFC 3164 messages, {@code <PRI>Mmm dd hh:mm:ss
 * ident[pid]: text}, the priority local3's with each record's severity, the launcher's own notices and
 * the supervisor's relayed lines alike, up to the stop.
 */
class SyslogTest {

    private static final Pattern RFC3164 = Pattern.compile(
            "<(\\d{1,3})>(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 1-3]\\d \\d\\d:\\d\\d:\\d\\d pftest\\[(\\d+)]: (.+)");
    private static final int LOCAL3 = 19;
    private static final int NOTICE = 5;

    @Test
    void recordsReachTheSyslogSocketAsRfc3164Messages(@TempDir Path dir) throws Exception {
        Path socketPath = dir.resolve("log.sock");
        Path conf = dir.resolve("syslog.conf");
        Files.writeString(conf, "log_file Sys::Syslog\nsyslog_ident pftest\nfacility local3\nsyslog_logsock " + socketPath
                + "\nlog_level 3\n");
        List<Process> launchers = new ArrayList<>();
        try (SyslogSocket syslog = new SyslogSocket(socketPath)) {
            Process launcher = LauncherCommand.start(LauncherCommand.of("--handler", "echo", "--port", "127.0.0.1:0",
                    "--max_servers", "1", "--conf_file", conf.toString()), launchers);
            List<String> received = new ArrayList<>();
            String serving = awaitMessage(syslog, "workers accepting", received);
            Matcher message = RFC3164.matcher(serving);
            assertTrue(message.matches(), serving);
            assertEquals(LOCAL3 * 8 + NOTICE, Integer.parseInt(message.group(1)), "the launcher's line is a notice: " + serving);
            assertEquals(launcher.pid(), Long.parseLong(message.group(3)), "syslog_logopt pid (the default): the launcher's pid");
            assertTrue(received.stream().anyMatch(line -> line.contains("[supervisor ")), "relayed supervisor lines: " + received);

            launcher.destroy();
            awaitMessage(syslog, "prefork: stopped", received);
            assertTrue(launcher.waitFor(60, TimeUnit.SECONDS), "the launcher did not stop");
            for (String each : received) {
                Matcher m = RFC3164.matcher(each);
                assertTrue(m.matches(), "not RFC 3164: " + each);
                int priority = Integer.parseInt(m.group(1));
                assertEquals(LOCAL3, priority / 8, each);
                assertTrue(priority % 8 >= 3 && priority % 8 <= 6, "err to info at log_level 3: " + each);
                assertFalse(each.contains("\n"), each);
            }
        } finally {
            for (Process launcher : launchers) {
                launcher.destroyForcibly();
                launcher.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Reads messages (collecting them) until one contains {@code text}; at most 60 s. */
    private static String awaitMessage(SyslogSocket syslog, String text, List<String> received) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String message = syslog.receive(1000);
            if (message != null) {
                received.add(message);
                if (message.contains(text)) {
                    return message;
                }
            }
        }
        fail("no syslog message containing '" + text + "'; received " + received);
        return null;
    }
}
