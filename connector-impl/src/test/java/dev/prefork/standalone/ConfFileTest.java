package dev.prefork.standalone;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Net::Server's conf_file format (issue 15): the sample test.conf of Net::Server::PreForkSimple's manual
 * (a test resource, copied from the manual's text) reads as documented, every key of it supported
 * (ManualSampleTest runs it); a key we do not support is refused naming the file and line; Net::Daemon's
 * names as aliases. Also issue 9,
 * item 10: a conf_file that is not UTF-8 is refused naming the file and the line.
 */
class ConfFileTest {

    /** The manual's sample, as a file of its own (a conf_file is read from a path). */
    private static Path manualSample(Path dir) throws IOException {
        try (var in = ConfFileTest.class.getResourceAsStream("test.conf")) {
            assertNotNull(in, "test resource test.conf");
            Path conf = dir.resolve("test.conf");
            Files.write(conf, in.readAllBytes());
            return conf;
        }
    }

    @Test
    void theManualsSampleGivesTheDocumentedPool(@TempDir Path dir) throws IOException {
        Path conf = manualSample(dir);
        Map<String, String> settings = new LinkedHashMap<>();
        StandaloneMain.readConfFile(conf, settings);
        // Repeated list keys accumulate in the order given; the comment and blank lines are skipped.
        assertEquals(Map.ofEntries(Map.entry("max_servers", "80"), Map.entry("max_requests", "1000"),
                Map.entry("user", "somebody"), Map.entry("group", "everybody"), Map.entry("log_file", "/var/log/server.log"),
                Map.entry("log_level", "3"), Map.entry("pid_file", "/tmp/server.pid"),
                Map.entry("allow", ".+\\.(net|com) domain\\.com"), Map.entry("deny", "a.+"), Map.entry("background", "1"),
                Map.entry("port", "localhost:20204,20205")), settings);
        EngineConfig config = EngineConfig.fromMap(settings);
        assertEquals(80, config.maxServers());
        assertEquals(1000, config.maxRequests());
        assertEquals("somebody", config.get(Settings.USER));
        assertEquals("everybody", config.get(Settings.GROUP));
        assertTrue(config.get(Settings.BACKGROUND));
        assertEquals(Path.of("/tmp/server.pid"), config.get(Settings.PID_FILE));
        assertEquals("/var/log/server.log", config.get(Settings.LOG_FILE));
        assertEquals(java.util.logging.Level.FINE, LogFile.level(config.get(Settings.LOG_LEVEL)));
        assertEquals(List.of("localhost:20204", "*:20205"), config.ports().stream().map(Object::toString).toList());
        // We match addresses, not reverse-DNS names: these host-name rules serve no address, so every client is refused.
        assertFalse(config.accessRules().isOpen());
        assertFalse(config.accessRules().permits("127.0.0.1"));
    }

    @Test
    void netDaemonNamesAreAliases(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("daemon.conf");
        Files.writeString(conf, "localaddr 127.0.0.1\nlocalport 20204\nlocalpath /tmp/prefork-test.sock\nchilds 3\n"
                + "clients accept:^127\\. deny:.\n");
        Map<String, String> settings = new LinkedHashMap<>();
        StandaloneMain.readConfFile(conf, settings);
        assertEquals(Map.of("host", "127.0.0.1", "port", "20204,/tmp/prefork-test.sock", "max_servers", "3",
                "clients", "accept:^127\\. deny:."), settings);
        EngineConfig config = EngineConfig.fromMap(settings);
        assertEquals(3, config.maxServers());
        assertEquals(List.of("127.0.0.1:20204", "/tmp/prefork-test.sock|unix"), config.ports().stream().map(Object::toString).toList());
    }

    @Test
    void netDaemonLoopsAndDebugMapToDequeueAndLogLevel(@TempDir Path dir) throws IOException {
        // Net::Daemon's Loop() every 5 s in a child of its own; Net::Server's switches that ask for what happens here anyway.
        assertEquals(Map.of("check_for_dequeue", "5", "log_level", "4"),
                read(dir, "loop-timeout 5\nloop-child 1\ndebug 1\nleave_children_open_on_hup 1\nno_close_by_child 0\n"));
        assertEquals(Map.of(), read(dir, "debug 0\n"), "debug 0 leaves log_level at its default");
    }

    @Test
    void netDaemonsCommandLineFormIsReadToo() throws IOException {
        // Getopt::Long's forms: --key=value, and a switch alone (here before another option and at the end).
        StandaloneMain.Launch launch = StandaloneMain.parse(new String[] {"--localport=2000", "--debug", "--childs", "3",
                "--loop-timeout=5", "--loop-child"});
        assertEquals(Map.of("port", "2000", "log_level", "4", "max_servers", "3", "check_for_dequeue", "5"), launch.settings);
    }

    /** The settings a conf_file holding {@code text} gives. */
    private static Map<String, String> read(Path dir, String text) throws IOException {
        Path conf = dir.resolve("read.conf");
        Files.writeString(conf, text);
        Map<String, String> settings = new LinkedHashMap<>();
        StandaloneMain.readConfFile(conf, settings);
        return settings;
    }

    @Test
    void badLinesAreNamedByFileLineKeyAndValue(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "max_servers 2\nmax_servers 3\nmax_sevrers 4\nlisten many\nport\nreverse_lookups on\n"
                + "chroot var/empty\nlocalpath relative.sock\nconfigfile /etc/other.conf\nloop-child maybe\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StandaloneMain.readConfFile(conf, new LinkedHashMap<>()));
        String message = e.getMessage();
        for (String expected : List.of(
                "line 2: max_servers is given again (first on line 1)",
                "line 3: max_sevrers is not a known setting",
                "line 4: listen='many' is not valid: must be a whole number",
                "line 5: 'port' is not 'key value'",
                "line 6: reverse_lookups does not apply here",
                "line 7: chroot='var/empty' is not valid: must be an absolute path",
                "line 8: localpath 'relative.sock' is not valid: must be an absolute path",
                "line 9: configfile inside a conf_file is not supported",
                "line 10: loop_child='maybe' is not valid: must be 1, 0, true or false")) {
            assertTrue(message.contains(conf + " " + expected), "'" + expected + "' in:\n" + message);
        }
    }

    @Test
    void syslogSettingsAreReadAndBadOnesNamed(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("syslog.conf");
        Files.writeString(good, "logfile syslog\nsyslog_ident my-server\nfacility LOCAL5\nsyslog_logsock unix\n");
        Map<String, String> settings = new LinkedHashMap<>();
        StandaloneMain.readConfFile(good, settings);
        EngineConfig config = EngineConfig.fromMap(settings);
        assertEquals(Settings.SYSLOG, config.get(Settings.LOG_FILE));
        assertEquals("my-server", config.get(Settings.SYSLOG_IDENT));
        assertEquals(21, config.get(Settings.SYSLOG_FACILITY).code());
        assertEquals("/dev/log", config.get(Settings.SYSLOG_LOGSOCK));
        assertEquals("pid", config.get(Settings.SYSLOG_LOGOPT));

        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "log_file Sys::Syslog\nsyslog_ident two words\nfacility nosuch\nlog_level 5\n"
                + "syslog_logsock inet\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StandaloneMain.readConfFile(conf, new LinkedHashMap<>()));
        String message = e.getMessage();
        for (String expected : List.of(
                "line 2: syslog_ident='two words' is not valid",
                "line 3: syslog_facility='nosuch' is not valid: must be one of kern, user, mail, daemon",
                "line 4: log_level='5' is not valid: must be a whole number from 0 to 4",
                "line 5: syslog_logsock='inet' is not valid: must be unix or native")) {
            assertTrue(message.contains(conf + " " + expected), "'" + expected + "' in:\n" + message);
        }
        assertTrue(message.contains("has 4 problems"), message);
    }

    @Test
    void aLineThatIsNotUtf8IsNamedByFileAndLine(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("prefork.conf");
        Files.write(conf, new byte[] {'m', 'a', 'x', '_', 's', 'e', 'r', 'v', 'e', 'r', 's', ' ', '2', '\n',
                'n', 'a', 'm', 'e', ' ', 'c', 'a', 'f', (byte) 0xe9, '\n'});
        IOException e = assertThrows(IOException.class, () -> StandaloneMain.readConfFile(conf, new LinkedHashMap<>()));
        assertTrue(e.getMessage().contains(conf.toString()) && e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void utf8LinesStillRead(@TempDir Path dir) throws IOException {
        Path conf = dir.resolve("prefork.conf");
        Files.writeString(conf, "# caf\u00e9\nport 1\r\nport 2\nname x # y", StandardCharsets.UTF_8);
        Map<String, String> settings = new LinkedHashMap<>();
        StandaloneMain.readConfFile(conf, settings);
        assertEquals(Map.of("port", "1,2", "name", "x"), settings);
    }
}
